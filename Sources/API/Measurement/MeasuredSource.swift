import PostgresNIO

/// The rows a collection's spatial functions run over, as SQL selecting `id`, `props` (jsonb) and
/// `geom` (EPSG:4490). The SQL comes from code only; the collection name is bound, read from the
/// `params` CTE every query starts with.
struct MeasuredSource: Sendable {
    let sql: String

    static func resolve(_ collection: String, client: PostgresClient, logger: Logger) async throws -> MeasuredSource {
        switch collection {
        case "sensors":
            return MeasuredSource(
                sql: """
                    SELECT sensor_id AS id, jsonb_build_object('sensor_id', sensor_id, 'observed_at', observed_at, 'values', "values") AS props, geom
                    FROM sensors_latest
                    """)
        case "readings":
            return MeasuredSource(
                sql: """
                    SELECT event_id::text AS id,
                        jsonb_build_object('sensor_id', sensor_id, 'observed_at', observed_at, 'values', "values") AS props, geom
                    FROM sensor_readings
                    """)
        default:
            let rows = try await client.query(
                """
                SELECT EXISTS (SELECT 1 FROM entity_current WHERE collection = \(collection))
                    OR EXISTS (SELECT 1 FROM collections WHERE id = \(collection))
                """, logger: logger)
            var known = false
            for try await exists in rows.decode(Bool.self) { known = exists }
            guard known else { throw Problem.notFound("no collection \(collection); GET /collections lists them") }
            return MeasuredSource(
                sql:
                    "SELECT entity_id AS id, properties AS props, geom FROM entity_current WHERE collection = (SELECT c FROM params) AND geom IS NOT NULL"
            )
        }
    }
}

import Events
import Foundation
import JSON
import Kafka
import Logging
import PostgresNIO

/// Materialises `aggregate.window` events into `aggregate_windows`, bitemporally: every version of a
/// window is a row whose system range runs from when it was recorded to when the next version (a
/// correction, or the window recomputed under a new revision of its aggregation) was. So the
/// current state is the rows with an open range, and `as_of` shows what a window said before its
/// correction. Keyed by event id: a version applied twice changes nothing.
public struct AggregateProjection: Projection {
    public let name = "aggregates"
    public let topics: [String]
    public let tables = ["aggregate_windows"]

    public init(topics: [String] = [Topics.aggregatesOfReadings]) {
        self.topics = topics
    }

    public struct Rows: Sendable {
        var eventIDs: [UUID] = []
        var featureIDs: [String] = []
        var aggregations: [String] = []
        var revisions: [UUID] = []
        var keys: [String] = []
        var starts: [String] = []
        var ends: [String] = []
        var versions: [Int] = []
        var recordedAt: [String] = []
        var geometries: [String] = []
        var properties: [String] = []
    }

    public func prepare(_ messages: [KafkaMessage]) -> (rows: Rows, failures: [ProjectionFailure]) {
        var rows = Rows()
        var failures: [ProjectionFailure] = []
        let decoder = EventJSON.decoder()
        for message in messages where message.header("ce_type") == AggregateWindowEvent.type {
            do {
                let event = try decoder.decode(AggregateWindowEvent.self, from: message.value)
                let window = event.data
                rows.eventIDs.append(event.id)
                rows.featureIDs.append(window.featureID)
                rows.aggregations.append(window.aggregation)
                rows.revisions.append(window.revision)
                rows.keys.append(window.keyText)
                rows.starts.append(Timestamp.format(window.windowStart))
                rows.ends.append(Timestamp.format(window.windowEnd))
                rows.versions.append(window.version)
                rows.recordedAt.append(Timestamp.format(event.recordedAt))
                rows.geometries.append(try event.space.geometry.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) } ?? "")
                rows.properties.append(try Self.properties(window))
            } catch {
                failures.append(ProjectionFailure(message: message, reason: "not an aggregate window: \(error)"))
            }
        }
        return (rows, failures)
    }

    /// The feature's properties: what the window is, its count and `<statistic>_<value>` figures.
    static func properties(_ window: AggregateWindow) throws -> String {
        String(decoding: try JSONEncoder().encode(JSONValue.object(window.featureProperties)), as: UTF8.self)
    }

    public func write(_ rows: Rows, on connection: PostgresConnection, tables: ProjectionTables, logger: Logger) async throws {
        guard !rows.eventIDs.isEmpty else { return }
        let table = tables["aggregate_windows"]
        try await connection.query(
            """
            INSERT INTO \(unescaped: table) (event_id, feature_id, aggregation, revision, key, window_start, window_end, version, system, recorded_at, geom, properties)
            SELECT event_id, feature_id, aggregation, revision, key, ws, we, version, tstzrange(recorded_at, NULL, '[)'), recorded_at,
                CASE WHEN geom = '' THEN NULL ELSE ST_SetSRID(ST_GeomFromGeoJSON(geom), 4490) END, props
            FROM unnest(
                \(rows.eventIDs)::uuid[], \(rows.featureIDs)::text[], \(rows.aggregations)::text[], \(rows.revisions)::uuid[], \(rows.keys)::text[],
                \(rows.starts)::timestamptz[], \(rows.ends)::timestamptz[], \(rows.versions)::int[], \(rows.recordedAt)::timestamptz[],
                \(rows.geometries)::text[], \(rows.properties)::jsonb[]
            ) AS t(event_id, feature_id, aggregation, revision, key, ws, we, version, recorded_at, geom, props)
            ON CONFLICT DO NOTHING
            """, logger: logger)
        // Each version's system range ends where the next one of its window begins.
        try await connection.query(
            """
            UPDATE \(unescaped: table) w SET system = tstzrange(lower(w.system), n.next_at, '[)')
            FROM (
                SELECT v.event_id, (
                    SELECT min(x.recorded_at) FROM \(unescaped: table) x
                    WHERE x.feature_id = v.feature_id
                      AND (x.recorded_at > v.recorded_at OR (x.recorded_at = v.recorded_at AND x.version > v.version))
                ) AS next_at
                FROM \(unescaped: table) v WHERE v.feature_id = ANY(\(Array(Set(rows.featureIDs)))::text[])
            ) n
            WHERE w.event_id = n.event_id AND upper(w.system) IS DISTINCT FROM n.next_at
            """, logger: logger)
    }
}

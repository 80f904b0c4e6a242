import Events
import Foundation
import Kafka
import Logging
import PostgresNIO

/// Materialises `sensor.reading` events into `sensor_readings` (every reading) and `sensors_latest`
/// (the newest reading per sensor). Rows are keyed by event id and by (sensor, observation time), so
/// an event applied twice changes nothing.
public struct SensorProjection: Projection {
    public let name = "sensors"
    public let topics: [String]
    public let tables = ["sensor_readings", "sensors_latest"]

    public init(topic: String = Topics.spatialEvents) {
        topics = [topic]
    }

    public func prepare(_ messages: [KafkaMessage]) -> (rows: SensorReadingBatch, failures: [ProjectionFailure]) {
        var readings = SensorReadingBatch()
        var failures: [ProjectionFailure] = []
        for message in messages where message.header("ce_type") == "sensor.reading" {
            do {
                try readings.append(message)
            } catch {
                failures.append(ProjectionFailure(message: message, reason: error.reason))
            }
        }
        return (readings, failures)
    }

    public func write(_ readings: SensorReadingBatch, on connection: PostgresConnection, tables: ProjectionTables, logger: Logger) async throws {
        guard !readings.isEmpty else { return }
        try await connection.query(
            """
            WITH incoming AS (
                SELECT * FROM unnest(
                    \(readings.eventIDs)::uuid[], \(readings.sensorIDs)::text[], \(readings.observedAt)::timestamptz[],
                    \(readings.recordedAt)::timestamptz[], \(readings.longitudes)::float8[], \(readings.latitudes)::float8[],
                    \(readings.values)::jsonb[], \(readings.sources)::text[]
                ) AS t(event_id, sensor_id, observed_at, recorded_at, lon, lat, vals, source)
            ), inserted AS (
                INSERT INTO \(unescaped: tables["sensor_readings"]) (event_id, sensor_id, observed_at, recorded_at, geom, "values", source)
                SELECT event_id, sensor_id, observed_at, recorded_at, ST_SetSRID(ST_MakePoint(lon, lat), 4490), vals, source
                FROM incoming
                ON CONFLICT DO NOTHING
                RETURNING event_id, sensor_id, observed_at, geom, "values"
            )
            INSERT INTO \(unescaped: tables["sensors_latest"]) AS latest (sensor_id, event_id, observed_at, geom, "values", updated_at)
            SELECT DISTINCT ON (sensor_id) sensor_id, event_id, observed_at, geom, "values", now()
            FROM inserted ORDER BY sensor_id, observed_at DESC
            ON CONFLICT (sensor_id) DO UPDATE
                SET event_id = EXCLUDED.event_id, observed_at = EXCLUDED.observed_at, geom = EXCLUDED.geom,
                    "values" = EXCLUDED."values", updated_at = EXCLUDED.updated_at
                WHERE latest.observed_at < EXCLUDED.observed_at
            """, logger: logger)
    }

    /// Readings a rebuild replayed into the shadow's default partition (periods the live table has
    /// no partition for: dropped by the retention, or never split off) get partitions of their own,
    /// and the retention the projection stage last recorded applies, so the table swapped in holds
    /// what the live one would. Readings past the horizon stay in the archive; a rebuild with a
    /// longer retention recorded brings them back.
    public func finishShadows(_ tables: ProjectionTables, client: PostgresClient, logger: Logger) async throws {
        let partitions = ReadingPartitions(client: client, table: tables.name("sensor_readings"), logger: logger)
        guard try await partitions.isPartitioned() else { return }
        let policy = try await ReadingPartitions(client: client, logger: logger).recorded()?.policy ?? ReadingPartitionPolicy()
        _ = try await partitions.maintain(policy)
    }
}

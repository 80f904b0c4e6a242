import Events
import Foundation
import Kafka
import Logging
import PostgresNIO
import Synchronization

/// The event archive: every record of every topic, in PostgreSQL — the durable copy of the log.
///
/// `event_archive` is partitioned by month of the event id (UUIDv7 ids are time-ordered) and indexed
/// by event id, subject, recorded time, space and log position. Each event is kept once per topic
/// (the first copy the log had); its topic, partition and offset, key, headers and value are kept
/// byte for byte, so `LogRecovery` can put the log back as it was when a broker lost it.
public struct ArchiveProjection: Projection {
    /// The archive's projection name, which keys its stored positions.
    public static let projectionName = "archive"
    public let name = ArchiveProjection.projectionName
    public let topics: [String]
    /// The archive is the source of rebuilds; it is not rebuilt itself.
    public let tables: [String] = []

    public init(topics: [String]) {
        self.topics = topics
    }

    public func prepare(_ messages: [KafkaMessage]) -> (rows: ArchivedRecords, failures: [ProjectionFailure]) {
        var records = ArchivedRecords()
        for message in messages where !message.isLogFiller { records.append(message) }
        return (records, [])
    }

    public func write(_ records: ArchivedRecords, on connection: PostgresConnection, tables: ProjectionTables, logger: Logger) async throws {
        guard !records.isEmpty else { return }
        try await ArchivePartitions.ensure(records.months, on: connection, logger: logger)
        try await connection.query(
            """
            INSERT INTO event_archive (event_id, topic, partition, "offset", type, subject, source, occurred_at, recorded_at, key, headers, value, geom)
            SELECT id, topic, part, off, NULLIF(type, ''), NULLIF(subject, ''), NULLIF(source, ''), NULLIF(occurred, '')::timestamptz,
                   recorded::timestamptz, CASE WHEN has_key THEN k END, h::jsonb, v,
                   CASE WHEN g = '' THEN NULL ELSE ST_SetSRID(ST_GeomFromGeoJSON(g), 4490) END
            FROM unnest(
                \(records.eventIDs)::uuid[], \(records.topics)::text[], \(records.partitions)::int[], \(records.offsets)::int8[],
                \(records.types)::text[], \(records.subjects)::text[], \(records.sources)::text[], \(records.occurredAt)::text[],
                \(records.recordedAt)::text[], \(records.keys)::bytea[], \(records.hasKey)::bool[], \(records.headers)::text[],
                \(records.values)::bytea[], \(records.geometries)::text[]
            ) AS t(id, topic, part, off, type, subject, source, occurred, recorded, k, has_key, h, v, g)
            ON CONFLICT (event_id, topic) DO NOTHING
            """, logger: logger)
    }
}

/// Creates the archive's month partitions on first use.
enum ArchivePartitions {
    private static let known = Mutex<Set<ArchiveMonth>>([])

    static func ensure(_ months: Set<ArchiveMonth>, on connection: PostgresConnection, logger: Logger) async throws {
        let missing = known.withLock { months.subtracting($0) }
        guard !missing.isEmpty else { return }
        try await connection.query("SELECT pg_advisory_xact_lock(4490, hashtext('event_archive partitions'))", logger: logger)
        for month in missing.sorted(by: { ($0.year, $0.month) < ($1.year, $1.month) }) {
            let (lower, upper) = month.bounds
            try await connection.query(
                PostgresQuery(
                    unsafeSQL: """
                        CREATE TABLE IF NOT EXISTS \(month.table) PARTITION OF event_archive
                        FOR VALUES FROM ('\(lower.uuidString.lowercased())') TO ('\(upper.uuidString.lowercased())')
                        """), logger: logger)
        }
        known.withLock { $0.formUnion(missing) }
    }
}

import Events
import Foundation
import Logging
import PostgresNIO

/// The time partitions of `sensor_readings` (or of its shadow during a rebuild): lists them, and runs
/// the maintenance pass — partitions made ahead, readings waiting in the default partition moved
/// into partitions of their own, and partitions wholly older than the retention horizon detached and
/// dropped. The SQL functions of migration 21 do the partition work; this drives them.
///
/// Any number of nodes may run the pass: it takes an advisory lock per table and skips when another
/// node holds it.
public struct ReadingPartitions: Sendable {
    /// The live readings table.
    public static let table = "sensor_readings"

    /// One partition, with its range (none for the default partition), rows and bytes on disk
    /// (table, indexes and TOAST).
    public struct Partition: Sendable, Equatable {
        public var name: String
        public var lower: Date?
        public var upper: Date?
        public var isDefault: Bool
        /// Exact when asked for, else the planner's estimate; `nil` when never counted or analysed.
        public var rows: Int64?
        public var bytes: Int64
    }

    /// What one maintenance pass did (or, dry, would do).
    public struct PassReport: Sendable {
        /// Another node held the lock: nothing was done.
        public var skipped = false
        public var created: [String] = []
        public var dropped: [Partition] = []
        /// Readings of the default partition older than the horizon, deleted.
        public var deletedFromDefault: Int64 = 0
        public var horizon: Date?
    }

    let client: PostgresClient
    /// The physical table, unquoted.
    public let table: String
    let logger: Logger

    public init(client: PostgresClient, table: String = ReadingPartitions.table, logger: Logger) {
        self.client = client
        self.table = table
        self.logger = logger
    }

    /// Every partition, oldest first, the default partition last. With `exactCounts`, rows are
    /// counted (a scan of each partition); otherwise they are the planner's estimate.
    public func list(exactCounts: Bool = false) async throws -> [Partition] {
        let rows = try await client.query(
            """
            SELECT c.relname::text, b.lower_bound, b.upper_bound, c.oid = pt.partdefid,
                CASE WHEN \(exactCounts)
                    THEN (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %s', c.oid::regclass), false, true, '')))[1]::text::bigint
                    WHEN c.reltuples >= 0 THEN c.reltuples::bigint END,
                pg_total_relation_size(c.oid)
            FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_partitioned_table pt ON pt.partrelid = i.inhparent
                LEFT JOIN shikong_range_partitions(\(table)::regclass) b ON b.partition = c.oid::regclass
            WHERE i.inhparent = \(table)::regclass
            ORDER BY c.oid = pt.partdefid, b.lower_bound
            """, logger: logger)
        var partitions: [Partition] = []
        for try await (name, lower, upper, isDefault, count, bytes) in rows.decode((String, Date?, Date?, Bool, Int64?, Int64).self) {
            partitions.append(Partition(name: name, lower: lower, upper: upper, isDefault: isDefault, rows: count, bytes: bytes))
        }
        return partitions
    }

    /// Whether the table is partitioned (a database not yet migrated to 21, or a snapshot, is not).
    public func isPartitioned() async throws -> Bool {
        let rows = try await client.query(
            "SELECT count(*)::int FROM pg_partitioned_table WHERE partrelid = to_regclass(\(table))", logger: logger)
        return try await rows.decode(Int.self).reduce(0, +) > 0
    }

    /// One maintenance pass at `now`. `dryRun` changes nothing and reports what would be dropped.
    public func maintain(_ policy: ReadingPartitionPolicy, now: Date = Date(), dryRun: Bool = false) async throws -> PassReport {
        let lockKey = "reading partitions \(table)"
        return try await client.withConnection { connection in
            let locked = try await connection.query("SELECT pg_try_advisory_lock(4492, hashtext(\(lockKey)))", logger: logger)
                .decode(Bool.self).reduce(false) { $0 || $1 }
            guard locked else { return PassReport(skipped: true) }
            do {
                let report = try await pass(policy, now: now, dryRun: dryRun, on: connection)
                try await connection.query("SELECT pg_advisory_unlock(4492, hashtext(\(lockKey)))", logger: logger)
                return report
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(4492, hashtext(\(lockKey)))", logger: logger)
                throw error
            }
        }
    }

    private func pass(_ policy: ReadingPartitionPolicy, now: Date, dryRun: Bool, on connection: PostgresConnection) async throws -> PassReport {
        var report = PassReport()
        let horizon = policy.horizon(at: now)
        report.horizon = horizon
        let nowText = Timestamp.format(now)
        let horizonText = horizon.map(Timestamp.format)
        let unit = policy.unit.rawValue
        if !dryRun {
            // The current period and `ahead` more; then what waits in the default partition up to their end.
            let made = try await connection.query(
                """
                SELECT made FROM generate_series(0, \(policy.ahead)) AS k,
                    LATERAL shikong_ensure_reading_partition(\(table)::regclass,
                        (date_trunc(\(unit), \(nowText)::timestamptz AT TIME ZONE 'UTC') + k * ('1 ' || \(unit))::interval) AT TIME ZONE 'UTC',
                        \(unit)) AS made
                WHERE made IS NOT NULL
                """, logger: logger)
            for try await name in made.decode(String.self) { report.created.append(name) }
            let split = try await connection.query(
                """
                SELECT shikong_split_reading_default(\(table)::regclass, \(unit), \(horizonText)::timestamptz,
                    (date_trunc(\(unit), \(nowText)::timestamptz AT TIME ZONE 'UTC') + (\(policy.ahead) + 1) * ('1 ' || \(unit))::interval) AT TIME ZONE 'UTC')
                """, logger: logger)
            for try await name in split.decode(String.self) { report.created.append(name) }
        }
        guard let horizon, let horizonText else { return report }
        let expired = try await list().filter { partition in partition.upper.map { $0 <= horizon } ?? false }
        for partition in expired {
            report.dropped.append(partition)
            guard !dryRun else { continue }
            try await connection.query("BEGIN", logger: logger)
            do {
                // Detaching takes the table's strongest lock for a moment: wait for it briefly, and
                // leave the partition to the next pass rather than queue every reader behind it.
                try await connection.query("SET LOCAL lock_timeout = '5s'", logger: logger)
                let statements = try await connection.query(
                    """
                    SELECT format('ALTER TABLE %s DETACH PARTITION %s', \(table)::regclass, \(partition.name)::regclass),
                        format('DROP TABLE %s', \(partition.name)::regclass)
                    """, logger: logger
                ).decode((String, String).self).reduce(into: [(String, String)]()) { $0.append($1) }
                for (detach, drop) in statements {
                    try await connection.query(PostgresQuery(unsafeSQL: detach), logger: logger)
                    try await connection.query(PostgresQuery(unsafeSQL: drop), logger: logger)
                }
                try await connection.query("COMMIT", logger: logger)
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        }
        report.deletedFromDefault = try await deleteFromDefault(olderThan: horizonText, dryRun: dryRun, on: connection)
        if !dryRun, !expired.isEmpty || report.deletedFromDefault > 0 {
            logger.notice(
                "readings past the retention horizon dropped",
                metadata: [
                    "table": "\(table)", "horizon": "\(horizonText)", "partitions": "\(expired.map(\.name).joined(separator: ", "))",
                    "default partition rows": "\(report.deletedFromDefault)",
                ])
        }
        return report
    }

    /// Readings of the default partition older than the horizon: deleted (or, dry, counted).
    private func deleteFromDefault(olderThan horizon: String, dryRun: Bool, on connection: PostgresConnection) async throws -> Int64 {
        let names = try await connection.query("SELECT shikong_default_partition(\(table)::regclass)::text", logger: logger).decode(String?.self)
        var fallback: String?
        for try await name in names { fallback = name }
        guard let fallback else { return 0 }
        // The partition's name comes from the catalogue, quoted by PostgreSQL; the horizon is bound.
        var binds = PostgresBindings()
        binds.append(horizon)
        let sql =
            dryRun
            ? "SELECT count(*)::bigint FROM \(fallback) WHERE observed_at < $1::timestamptz"
            : "WITH gone AS (DELETE FROM \(fallback) WHERE observed_at < $1::timestamptz RETURNING 1) SELECT count(*)::bigint FROM gone"
        return try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger).decode(Int64.self).reduce(0, +)
    }

    /// Records the policy a node maintains the partitions with (a rebuild applies it to its shadow;
    /// `shikong readings partitions` shows it).
    public func record(_ policy: ReadingPartitionPolicy, by node: String) async throws {
        let seconds = policy.retention.map { Double($0.components.seconds) }
        try await client.query(
            """
            INSERT INTO reading_partition_policy AS p (unit, retention, ahead, updated_at, updated_by)
            VALUES (\(policy.unit.rawValue), \(seconds)::float8 * interval '1 second', \(policy.ahead), now(), \(node))
            ON CONFLICT (singleton) DO UPDATE SET unit = EXCLUDED.unit, retention = EXCLUDED.retention, ahead = EXCLUDED.ahead,
                updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by
            """, logger: logger)
    }

    /// The policy last recorded, with when and by which node; `nil` when none was.
    public func recorded() async throws -> (policy: ReadingPartitionPolicy, at: Date, by: String)? {
        let rows = try await client.query(
            "SELECT unit, extract(epoch FROM retention)::float8, ahead, updated_at, updated_by FROM reading_partition_policy", logger: logger)
        for try await (unit, seconds, ahead, at, node) in rows.decode((String, Double?, Int, Date, String).self) {
            let policy = ReadingPartitionPolicy(
                unit: ReadingPartitionPolicy.Unit(rawValue: unit) ?? .month, retention: seconds.map { .seconds(Int($0)) }, ahead: ahead)
            return (policy, at, node)
        }
        return nil
    }
}

import Database
import Foundation
import LocalStack
import Logging
import PostgresNIO

#if canImport(Glibc)
    import Glibc
#endif

/// The restore drill: restores the newest base backup and all archived WAL into a scratch cluster,
/// then compares every table of the platform's database (row count and a checksum of the rows)
/// and the projections' log positions with the live database, and reports.
public struct RestoreDrill: Sendable {
    public let store: BackupStore
    public let programs: PostgresPrograms
    public let logger: Logger

    public init(store: BackupStore, programs: PostgresPrograms = PostgresPrograms(), logger: Logger) {
        self.store = store
        self.programs = programs
        self.logger = logger
    }

    /// Runs the drill against `live`. With `keep`, the scratch cluster's directory stays for a look.
    public func run(live: DatabaseConfiguration, port: Int, keep: Bool = false) async throws -> RestoreDrillReport {
        let started = Date()
        try await WALArchive.flush(live, logger: logger)
        let scratch = store.root.appendingPathComponent("drill-\(BaseBackup.identifier(for: started))")
        let restore = PointInTimeRestore(store: store, programs: programs, logger: logger)
        let backup = try await restore.prepare(into: scratch, to: nil)
        let cluster = try await restore.recover(scratch, port: port)
        defer {
            cluster.stop(signal: SIGINT, timeout: 30)
            if !keep {
                try? FileManager.default.removeItem(at: scratch)
                for suffix in ["-recovery.log", "-recovery.pid"] {
                    try? FileManager.default.removeItem(at: store.root.appendingPathComponent(scratch.lastPathComponent + suffix))
                }
            }
        }
        var restoredConfiguration = live
        restoredConfiguration.host = "127.0.0.1"
        restoredConfiguration.port = port
        restoredConfiguration.tls = .disable
        let restored = try await DatabaseSnapshot.read(restoredConfiguration, logger: logger)
        // The archive projection never stops (processors checkpoint even when idle): compare the
        // live archive only up to the restored archive's positions.
        let current = try await DatabaseSnapshot.read(
            live, archiveUpTo: restored.positions.filter { $0.projection == DatabaseSnapshot.archiveProjection }, logger: logger)
        return RestoreDrillReport(
            backup: backup, restored: restored, live: current, seconds: Date().timeIntervalSince(started), scratch: keep ? scratch : nil)
    }
}

/// Row counts and checksums of every table, and the projections' positions, read in one
/// repeatable-read transaction so they agree with each other.
public struct DatabaseSnapshot: Sendable {
    static let archiveProjection = "archive"
    /// Compared through `positions`, not as a table.
    static let positionsTable = "projection_positions"

    public struct Table: Sendable, Equatable {
        public var name: String
        public var rows: Int64
        public var checksum: String

        public init(name: String, rows: Int64, checksum: String) {
            self.name = name
            self.rows = rows
            self.checksum = checksum
        }
    }

    public struct Position: Sendable, Hashable, CustomStringConvertible {
        public var projection: String
        public var topic: String
        public var partition: Int32
        public var nextOffset: Int64
        public var description: String { "\(projection) \(topic)/\(partition) @ \(nextOffset)" }

        public init(projection: String, topic: String, partition: Int32, nextOffset: Int64) {
            self.projection = projection
            self.topic = topic
            self.partition = partition
            self.nextOffset = nextOffset
        }
    }

    public var positions: [Position]
    public var tables: [Table]

    public init(positions: [Position], tables: [Table]) {
        self.positions = positions
        self.tables = tables
    }

    /// Reads the snapshot; with `archiveUpTo`, `event_archive` counts only the records below those
    /// positions.
    static func read(_ configuration: DatabaseConfiguration, archiveUpTo: [Position]? = nil, logger: Logger) async throws -> DatabaseSnapshot {
        try await DatabaseSession.withConnection(configuration, logger: logger) { connection in
            _ = try await connection.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger)
            let positions = try await connection.query(
                "SELECT projection, topic, partition, next_offset FROM projection_positions ORDER BY projection, topic, partition", logger: logger
            ).collect().map {
                let (projection, topic, partition, offset) = try $0.decode((String, String, Int32, Int64).self)
                return Position(projection: projection, topic: topic, partition: partition, nextOffset: offset)
            }
            // Tables marked volatile (live monitoring, sessions) are not derived from the log.
            let names = try await connection.query(
                """
                SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
                  AND c.relname NOT IN ('spatial_ref_sys', \(positionsTable))
                  AND coalesce(obj_description(c.oid, 'pg_class'), '') NOT LIKE \(Migrations.volatileTableMarker + "%")
                ORDER BY 1
                """, logger: logger
            ).collect().map { try $0.decode(String.self) }
            var tables: [Table] = []
            for name in names {
                if name == "event_archive", let archiveUpTo {
                    let row = try await connection.query(
                        """
                        SELECT count(*)::bigint, coalesce(md5(string_agg(md5(t::text), '' ORDER BY md5(t::text))), '') FROM event_archive t
                        JOIN unnest(\(archiveUpTo.map(\.topic))::text[], \(archiveUpTo.map(\.partition))::int[], \(archiveUpTo.map(\.nextOffset))::bigint[])
                          AS p(topic, partition, next_offset) ON t.topic = p.topic AND t.partition = p.partition AND t."offset" < p.next_offset
                        """, logger: logger
                    ).collect().first?.decode((Int64, String).self)
                    tables.append(Table(name: name, rows: row?.0 ?? 0, checksum: row?.1 ?? ""))
                    continue
                }
                // A table name from the catalogue, quoted as an identifier: it cannot be a bound value.
                let identifier = "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
                let row = try await connection.query(
                    PostgresQuery(
                        unsafeSQL:
                            "SELECT count(*)::bigint, coalesce(md5(string_agg(md5(t::text), '' ORDER BY md5(t::text))), '') FROM \(identifier) t"),
                    logger: logger
                ).collect().first?.decode((Int64, String).self)
                tables.append(Table(name: name, rows: row?.0 ?? 0, checksum: row?.1 ?? ""))
            }
            _ = try await connection.query("COMMIT", logger: logger)
            return DatabaseSnapshot(positions: positions, tables: tables)
        }
    }
}

/// What a restore drill found.
public struct RestoreDrillReport: Sendable {
    public enum Verdict: String, Sendable {
        /// Same log position, every table equal.
        case consistent
        /// Same log position, but some table differs: the backup or the archive is damaged.
        case mismatch
        /// The live database moved on between the archive flush and the comparison (events kept
        /// arriving) and the tables that differ belong to projections that moved: they cannot be
        /// compared at the same log position. Run it again when quieter.
        case liveMovedOn = "live moved on"
    }

    public var backup: BaseBackupRecord
    public var restored: DatabaseSnapshot
    public var live: DatabaseSnapshot
    public var seconds: Double
    public var scratch: URL?

    public init(backup: BaseBackupRecord, restored: DatabaseSnapshot, live: DatabaseSnapshot, seconds: Double, scratch: URL?) {
        self.backup = backup
        self.restored = restored
        self.live = live
        self.seconds = seconds
        self.scratch = scratch
    }

    /// Whether every projection stands where it stands live, apart from the archive (compared up to
    /// the restored positions).
    public var samePosition: Bool { movedProjections.isEmpty }

    /// Projections (other than the archive) whose live positions are past the restored ones.
    public var movedProjections: [String] {
        let restored = Set(self.restored.positions)
        return Set(live.positions.filter { !restored.contains($0) }.map(\.projection)).subtracting([DatabaseSnapshot.archiveProjection]).sorted()
    }

    /// Partitions where the restored cluster is ahead of the live one or that only it has: the live
    /// database lost something, or the backup is not of it.
    public var aheadOfLive: [DatabaseSnapshot.Position] {
        let live = Dictionary(self.live.positions.map { ("\($0.projection) \($0.topic)/\($0.partition)", $0.nextOffset) }, uniquingKeysWith: max)
        return restored.positions.filter { position in
            guard let offset = live["\(position.projection) \(position.topic)/\(position.partition)"] else { return true }
            return position.nextOffset > offset
        }
    }

    public var differingTables: [String] {
        let live = Dictionary(uniqueKeysWithValues: self.live.tables.map { ($0.name, $0) })
        let restored = Set(self.restored.tables.map(\.name))
        return self.restored.tables.filter { live[$0.name] != $0 }.map(\.name) + live.keys.filter { !restored.contains($0) }.sorted()
    }

    public var verdict: Verdict {
        if !aheadOfLive.isEmpty { return .mismatch }
        if differingTables.isEmpty { return .consistent }
        return samePosition ? .mismatch : .liveMovedOn
    }

    /// A plain-text report, one line per table.
    public var text: String {
        let live = Dictionary(uniqueKeysWithValues: self.live.tables.map { ($0.name, $0) })
        var lines = [
            "restore drill: \(verdict.rawValue) (base backup \(backup.id), \(String(format: "%.1f", seconds)) s)",
            "log position: \(samePosition ? "same as live" : "live has moved on in \(movedProjections.joined(separator: ", "))") (\(restored.positions.count) projection partitions)",
        ]
        for position in aheadOfLive { lines.append("  restored is AHEAD of live: \(position)") }
        for table in restored.tables {
            let other = live[table.name]
            let state = other == nil ? "missing in live" : other == table ? "equal" : "DIFFERS (live \(other!.rows) rows)"
            lines.append("  \(table.name): \(table.rows) rows, checksum \(table.checksum.prefix(12)) \(state)")
        }
        if let scratch { lines.append("restored cluster kept in \(scratch.path)") }
        return lines.joined(separator: "\n")
    }
}

import Database
import Foundation
import Logging

/// Takes a base backup of a whole PostgreSQL cluster with `pg_basebackup` (compressed tar, with the
/// WAL it needs streamed alongside), so that it restores on its own and, with the archived WAL
/// after it, to any later point in time.
public struct BaseBackup: Sendable {
    public let store: BackupStore
    public let programs: PostgresPrograms
    public let logger: Logger

    public init(store: BackupStore, programs: PostgresPrograms = PostgresPrograms(), logger: Logger) {
        self.store = store
        self.programs = programs
        self.logger = logger
    }

    /// Backs up the cluster `database` lives in. The user needs the REPLICATION attribute (the local
    /// stack's superuser has it).
    @discardableResult
    public func take(from database: DatabaseConfiguration) async throws -> BaseBackupRecord {
        let started = Date()
        let id = Self.identifier(for: started)
        let files = FileManager.default
        try files.createDirectory(at: store.baseDirectory, withIntermediateDirectories: true)
        try files.createDirectory(at: store.walDirectory, withIntermediateDirectories: true)
        let partial = store.baseDirectory.appendingPathComponent(".\(id).partial")
        try? files.removeItem(at: partial)
        var environment = ProcessInfo.processInfo.environment
        if let password = database.password { environment["PGPASSWORD"] = password }
        environment["PGSSLMODE"] = database.tls.rawValue
        if let caFile = database.caFile { environment["PGSSLROOTCERT"] = caFile }
        logger.info("taking a base backup", metadata: ["cluster": "\(database.url)", "into": "\(store.baseDirectory.path)/\(id)"])
        try await programs.run(
            "pg_basebackup",
            [
                "--host", database.host, "--port", String(database.port), "--username", database.username, "--no-password",
                "--pgdata", partial.path, "--format", "tar", "--compress", "client-zstd:1", "--wal-method", "stream", "--checkpoint", "fast",
                "--label", "shikong \(id)",
            ],
            log: store.baseDirectory.appendingPathComponent(".\(id).log"), environment: environment)
        let segment = try Self.startSegment(manifest: partial.appendingPathComponent("backup_manifest"))
        let bytes = try files.contentsOfDirectory(atPath: partial.path).reduce(Int64(0)) { total, name in
            total + ((try? files.attributesOfItem(atPath: partial.appendingPathComponent(name).path)[.size] as? Int64) ?? 0)
        }
        try files.moveItem(at: partial, to: store.baseDirectory.appendingPathComponent(id))
        try? files.removeItem(at: store.baseDirectory.appendingPathComponent(".\(id).log"))
        let record = BaseBackupRecord(
            id: id, startedAt: started, finishedAt: Date(), source: database.url, startWALSegment: segment, bytes: bytes)
        try store.write(record)
        logger.notice(
            "base backup \(id) taken",
            metadata: ["bytes": "\(bytes)", "seconds": "\(String(format: "%.1f", record.finishedAt.timeIntervalSince(started)))"])
        return record
    }

    /// A sortable, file-name-safe id from the start time (UTC, to the millisecond).
    static func identifier(for date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss.SSS'Z'"
        return formatter.string(from: date)
    }

    /// The WAL segment file holding the backup's start LSN, read from `backup_manifest`.
    static func startSegment(manifest: URL) throws -> String {
        struct Manifest: Decodable {
            struct Range: Decodable {
                var timeline: UInt32
                var start: String
                enum CodingKeys: String, CodingKey {
                    case timeline = "Timeline"
                    case start = "Start-LSN"
                }
            }
            var ranges: [Range]
            enum CodingKeys: String, CodingKey { case ranges = "WAL-Ranges" }
        }
        let ranges = try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: manifest)).ranges
        guard let first = ranges.first, let name = walSegmentName(timeline: first.timeline, lsn: first.start) else {
            throw BackupError("\(manifest.path) names no WAL range")
        }
        return name
    }

    /// PostgreSQL's file name for the 16 MiB segment holding `lsn` ("X/Y") on `timeline`.
    static func walSegmentName(timeline: UInt32, lsn: String) -> String? {
        let parts = lsn.split(separator: "/")
        guard parts.count == 2, let high = UInt64(parts[0], radix: 16), let low = UInt64(parts[1], radix: 16) else { return nil }
        let segment = ((high << 32) | low) / (16 * 1024 * 1024)
        return String(format: "%08X%08X%08X", timeline, UInt32(segment / 256), UInt32(segment % 256))
    }
}

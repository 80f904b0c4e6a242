import Foundation

/// A backup directory: base backups under `base/<id>/` (the tar files `pg_basebackup` writes, its
/// `backup_manifest` and our `backup.json`), archived WAL segments under `wal/`.
public struct BackupStore: Sendable {
    public let root: URL

    public init(root: URL) {
        self.root = root.standardizedFileURL
    }

    public var baseDirectory: URL { root.appendingPathComponent("base") }
    public var walDirectory: URL { root.appendingPathComponent("wal") }
    /// Archived segments are compressed with zstd: `<segment>.zst`.
    public static let walSuffix = ".zst"
    /// What archives written before zstd hold (gzip): still restored and cleaned up.
    public static let walSuffixes = [walSuffix, ".gz"]

    /// The archived WAL segments' names, oldest first.
    public func archivedSegments() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: walDirectory.path)) ?? []
        let segments = names.filter { name in Self.walSuffixes.contains { name.count == 24 + $0.count && name.hasSuffix($0) } }
        return Set(segments.map { String($0.prefix(24)) }).sorted()
    }

    func directory(of backup: BaseBackupRecord) -> URL { baseDirectory.appendingPathComponent(backup.id) }

    /// Every complete base backup, oldest first. A directory without `backup.json` is a backup that
    /// did not finish and is ignored.
    public func list() throws -> [BaseBackupRecord] {
        let files = FileManager.default
        guard files.fileExists(atPath: baseDirectory.path) else { return [] }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let date = BaseBackupRecord.timeFormat.date(from: text) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not an RFC 3339 time: \(text)"))
            }
            return date
        }
        return try files.contentsOfDirectory(atPath: baseDirectory.path).sorted().compactMap { name in
            let manifest = baseDirectory.appendingPathComponent(name).appendingPathComponent(BaseBackupRecord.fileName)
            guard let data = files.contents(atPath: manifest.path) else { return nil }
            return try decoder.decode(BaseBackupRecord.self, from: data)
        }.sorted { $0.finishedAt < $1.finishedAt }
    }

    /// The newest base backup that finished by `time` (a restore to `time` starts from it), or the
    /// newest of all.
    public func latest(finishedBy time: Date? = nil) throws -> BaseBackupRecord? {
        try list().last { time == nil || $0.finishedAt <= time! }
    }

    func write(_ record: BaseBackupRecord) throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(BaseBackupRecord.timeFormat.string(from: date))
        }
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(record).write(to: directory(of: record).appendingPathComponent(BaseBackupRecord.fileName), options: .atomic)
    }
}

/// What `backup.json` says about one base backup.
public struct BaseBackupRecord: Codable, Sendable, Equatable {
    static let fileName = "backup.json"
    /// Times to the millisecond: a restore picks the newest backup that finished before its target.
    static var timeFormat: ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }

    public var id: String
    public var startedAt: Date
    public var finishedAt: Date
    /// The cluster it was taken from (without password).
    public var source: String
    /// The first WAL segment a restore of this backup needs; older archived segments serve only
    /// older backups.
    public var startWALSegment: String
    public var bytes: Int64

    public init(id: String, startedAt: Date, finishedAt: Date, source: String, startWALSegment: String, bytes: Int64) {
        self.id = id
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.source = source
        self.startWALSegment = startWALSegment
        self.bytes = bytes
    }
}

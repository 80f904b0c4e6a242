import Foundation
import Logging

/// Keeps the newest base backups and the WAL they need; deletes the rest.
public struct BackupRetention: Sendable {
    public let store: BackupStore
    public let programs: PostgresPrograms
    public let logger: Logger

    public init(store: BackupStore, programs: PostgresPrograms = PostgresPrograms(), logger: Logger) {
        self.store = store
        self.programs = programs
        self.logger = logger
    }

    /// Deletes all but the `keep` newest base backups, and the archived WAL older than the oldest
    /// one kept (`pg_archivecleanup`). Returns the ids deleted.
    @discardableResult
    public func prune(keep: Int) async throws -> [String] {
        precondition(keep >= 1)
        let backups = try store.list()
        guard let oldestKept = backups.suffix(keep).first else { return [] }
        let deleted = backups.dropLast(keep).map(\.id)
        for id in deleted { try FileManager.default.removeItem(at: store.baseDirectory.appendingPathComponent(id)) }
        if FileManager.default.fileExists(atPath: store.walDirectory.path) {
            for suffix in BackupStore.walSuffixes {
                try await programs.run(
                    "pg_archivecleanup", ["-x", suffix, store.walDirectory.path, oldestKept.startWALSegment],
                    log: store.root.appendingPathComponent(".archivecleanup.log"))
            }
        }
        if !deleted.isEmpty { logger.notice("deleted old base backups", metadata: ["ids": "\(deleted.joined(separator: ", "))"]) }
        return deleted
    }
}

import Database
import Foundation
import Logging
import PostgresNIO

/// Reads of the import-jobs projection (`import_jobs`): `GET /imports`, `GET /imports/{id}`, and the
/// jobs an interrupted process left unfinished.
public struct ImportJobReads: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// One job's latest state.
    public struct Job: Sendable {
        public var id: UUID
        public var collection: String
        public var file: String
        public var status: String
        public var total: Int?
        public var read: Int
        public var upserted: Int
        public var unchanged: Int
        public var retired: Int
        public var failed: Int
        public var message: String?
        public var startedAt: Date
        public var updatedAt: Date
    }

    /// The job `id`, or the newest `limit` jobs.
    public func jobs(id: UUID? = nil, limit: Int) async throws -> [Job] {
        let rows = try await client.rows(
            """
            SELECT id, collection, file, status, total, read, upserted, unchanged, retired, failed, message, started_at, updated_at
            FROM import_jobs WHERE (\(id)::uuid IS NULL OR id = \(id)) ORDER BY started_at DESC LIMIT \(limit)
            """, logger: logger)
        return try rows.map { row in
            let (id, collection, file, status, total, read, upserted, unchanged, retired, failed, message, started, updated) = try row.decode(
                (UUID, String, String, String, Int?, Int, Int, Int, Int, Int, String?, Date, Date).self)
            return Job(
                id: id, collection: collection, file: file, status: status, total: total, read: read, upserted: upserted, unchanged: unchanged,
                retired: retired, failed: failed, message: message, startedAt: started, updatedAt: updated)
        }
    }
}

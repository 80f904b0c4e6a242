import Logging
import PostgresNIO

/// The event archive's size, as `shikong status` shows it.
public struct ArchiveCounts: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Events archived: the planner's estimate, cheap on any size; counted exactly while the archive
    /// is small or not analysed yet.
    public func events() async throws -> Int64 {
        var archived = try await client.query(
            "SELECT coalesce(sum(greatest(reltuples, 0)), 0)::int8 FROM pg_class WHERE relname LIKE 'event\\_archive\\_%' AND relkind = 'r'",
            logger: logger
        ).decode(Int64.self).reduce(0, +)
        if archived < 1_000_000 {
            archived = try await client.query("SELECT count(*)::int8 FROM event_archive", logger: logger).decode(Int64.self).reduce(0, +)
        }
        return archived
    }
}

import Kafka
import Logging
import PostgresNIO

/// A projection's replay into empty shadow tables, folded in memory in log order and written in
/// bulk: what `Projection.write` does one batch at a time with lookups in the tables, a fold does
/// with its own state, and the tables receive each row once, in large inserts. `ProjectionRebuild`
/// uses it when replaying the archive; the catch-up after it goes through `Projection.write`.
///
/// A fold must leave the tables exactly as applying the same records with `write` would.
public protocol ProjectionFold: Sendable {
    /// Folds records in log order; returns those it cannot use (they become dead letters).
    mutating func apply(_ messages: [KafkaMessage]) async -> [ProjectionFailure]

    /// Writes the rows no later record can change (history that is closed), so memory holds only
    /// what may still change. Called between pages.
    mutating func writeSettled(client: PostgresClient, tables: ProjectionTables, logger: Logger) async throws

    /// Writes everything still held, at the end of the replay (on several connections at once).
    mutating func writeRest(client: PostgresClient, tables: ProjectionTables, logger: Logger) async throws
}

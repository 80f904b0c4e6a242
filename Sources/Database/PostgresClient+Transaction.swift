import Logging
import PostgresNIO

extension PostgresClient {
    /// Runs `body` in a transaction on one pooled connection (PostgresNIO's `withTransaction`):
    /// COMMIT when it returns, ROLLBACK when it throws. The error thrown is the one that made the
    /// transaction fail (the body's, or BEGIN's or COMMIT's), not PostgresNIO's wrapper, so callers
    /// can tell a refused row from a lost connection (`DatabaseFailure`).
    ///
    /// A COMMIT that fails leaves the outcome unknown; callers that retry are safe only because
    /// effects are keyed by event id.
    ///
    /// Until this branch, a hand-made `guarded` wrapper (two tasks and a 100 ms watchdog per
    /// statement) stood here, because PostgresNIO 1.33 was seen waiting forever for the answer to a
    /// statement in flight (with large bind parameters) or to the ROLLBACK after it, when the server
    /// closed the connection. With PostgresNIO 1.33.2 and plain `withTransaction` the hang did not
    /// come back: `CrashRecoveryTests` "a PostgreSQL restart mid-stream" (SIGQUIT of the server while
    /// the projections commit 2,000-row batches with array binds, 100,000 readings) passed in every run,
    /// each writer reconnecting within seconds of the restart. If it shows again, the narrowest fix is
    /// a task group racing the body against `connection.closeFuture`, not a polling watchdog.
    public func transaction<T: Sendable>(logger: Logger, _ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await withTransaction(logger: logger) { connection in try await body(connection) }
        } catch let error as PostgresTransactionError {
            throw error.cause
        }
    }

    /// Runs one statement and collects its rows.
    public func rows(_ query: PostgresQuery, logger: Logger) async throws -> [PostgresRow] {
        try await self.query(query, logger: logger).collect()
    }
}

extension PostgresTransactionError {
    /// What made the transaction fail: the body's error first, then COMMIT's, then BEGIN's.
    var cause: any Error { closureError ?? commitError ?? beginError ?? self }
}

extension PostgresClient {
    /// One round trip to the server (`/health`).
    public func ping(logger: Logger) async throws {
        try await query("SELECT 1", logger: logger)
    }
}

import Logging
import PostgresNIO

/// Short-lived access to the database, for commands and setup steps: a pool that lives as long as
/// its body, or one connection, opened with retries while PostgreSQL starts up.
public enum DatabaseSession {
    /// Runs `body` with a connection pool that runs as long as it does.
    public static func withClient<T: Sendable>(
        _ configuration: DatabaseConfiguration, logger: Logger, _ body: @Sendable (PostgresClient) async throws -> T
    ) async throws -> T {
        let client = PostgresClient(configuration: try configuration.client(), backgroundLogger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            // The pool runs before the first query (PostgresNIO warns about every lease before `run()`).
            await withCheckedContinuation { (started: CheckedContinuation<Void, Never>) in
                group.addTask {
                    started.resume()
                    await client.run()
                }
            }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }

    /// Runs `body` with a single connection (for setup steps that run before the pool does).
    public static func withConnection<T: Sendable>(
        _ configuration: DatabaseConfiguration, logger: Logger, _ body: @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        let settings = try configuration.connection()
        let connection = try await retrying {
            try await PostgresConnection.connect(configuration: settings, id: 1, logger: logger)
        }
        do {
            let result = try await body(connection)
            try await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// Runs `body` until it succeeds, `attempts` times at most, half a second apart.
    public static func retrying<T: Sendable>(attempts: Int = 60, _ body: @Sendable () async throws -> T) async throws -> T {
        var lastError: (any Error)?
        for _ in 0..<attempts {
            do {
                return try await body()
            } catch {
                lastError = error
                try await Task.sleep(for: .milliseconds(500))
            }
        }
        throw lastError ?? CancellationError()
    }
}

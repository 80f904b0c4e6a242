import Foundation
import Logging
import PostgresNIO
import Synchronization

extension PostgresClient {
    /// Runs `body` in a transaction on one pooled connection: COMMIT when it returns, ROLLBACK when it
    /// throws. Unlike `withTransaction` it copes with the server going away mid-transaction:
    /// PostgresNIO 1.33 can wait forever for the answer to a query in flight when the server closes
    /// the connection (seen with large bind parameters), or to a ROLLBACK sent afterwards. So the body
    /// is abandoned once its connection has been closed for a second, a broken connection gets no
    /// ROLLBACK, and it is closed so the pool replaces it. The error is then `ConnectionLost`.
    public func transaction<T: Sendable>(logger: Logger, _ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try await withConnection { connection in
            do {
                _ = try await connection.guarded { try await $0.query("BEGIN", logger: logger) }
            } catch {
                try? await connection.close()
                throw error
            }
            let value: T
            do {
                value = try await connection.guarded(body)
            } catch {
                if connection.isClosed || Self.isConnectionFailure(error) {
                    try? await connection.close()
                } else {
                    do {
                        _ = try await connection.guarded { try await $0.query("ROLLBACK", logger: logger) }
                    } catch {
                        try? await connection.close()
                    }
                }
                throw error
            }
            do {
                _ = try await connection.guarded { try await $0.query("COMMIT", logger: logger) }
            } catch {
                // The outcome is unknown; callers that retry are safe only because effects are keyed by event id.
                try? await connection.close()
                throw error
            }
            return value
        }
    }

    static func isConnectionFailure(_ error: any Error) -> Bool {
        if error is ConnectionLost { return true }
        guard let error = error as? PSQLError else { return false }
        return [.serverClosedConnection, .clientClosedConnection, .connectionError, .uncleanShutdown].contains(error.code)
    }
}

/// The server closed the connection while a statement was in flight and no answer came.
public struct ConnectionLost: Error, Sendable, CustomStringConvertible {
    public var description: String { "the database closed the connection while a statement was running" }
}

extension PostgresConnection {
    /// Runs `body`, but gives up on it once the connection has been closed for a second.
    func guarded<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let once = ResumeOnce(continuation)
            let work = Task {
                do {
                    once.resume(with: .success(try await body(self)))
                } catch {
                    once.resume(with: .failure(error))
                }
            }
            Task {
                var closedFor = 0
                while !once.isDone {
                    try? await Task.sleep(for: .milliseconds(100))
                    closedFor = self.isClosed ? closedFor + 1 : 0
                    if closedFor >= 10 {
                        work.cancel()
                        once.resume(with: .failure(ConnectionLost()))
                    }
                }
            }
        }
    }
}

/// Resumes a continuation with whichever result comes first.
private final class ResumeOnce<T: Sendable>: Sendable {
    private let continuation: Mutex<CheckedContinuation<T, any Error>?>

    init(_ continuation: CheckedContinuation<T, any Error>) {
        self.continuation = Mutex(continuation)
    }

    var isDone: Bool { continuation.withLock { $0 == nil } }

    func resume(with result: Result<T, any Error>) {
        let waiting = continuation.withLock { stored in
            defer { stored = nil }
            return stored
        }
        waiting?.resume(with: result)
    }
}

extension PostgresClient {
    /// Runs one statement and collects its rows, giving up (with `ConnectionLost`) if the server
    /// closes the connection under it instead of waiting forever; see `transaction(logger:_:)`.
    public func rows(_ query: PostgresQuery, logger: Logger) async throws -> [PostgresRow] {
        try await withConnection { connection in
            do {
                return try await connection.guarded { connection in
                    try await connection.query(query, logger: logger).collect()
                }
            } catch {
                if connection.isClosed || Self.isConnectionFailure(error) { try? await connection.close() }
                throw error
            }
        }
    }
}

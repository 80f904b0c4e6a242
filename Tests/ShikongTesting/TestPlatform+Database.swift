import Database
import Foundation
import LocalStack
import Logging
import Platform
import PostgresNIO
import Projections

extension TestPlatform {
    /// Runs `body` with a connection pool on the platform's PostgreSQL.
    public func withDatabase<T: Sendable>(_ body: @Sendable (PostgresClient) async throws -> T) async throws -> T {
        try await Pipeline.withDatabase(configuration.database, logger: Logger(label: "shikong.test.sql"), body)
    }

    /// One integer from a query, e.g. a count, on a connection of its own. Not through a pool: tests
    /// poll counts while PostgreSQL is stopped, and a pool started and cancelled twice a second keeps
    /// backing off, trips its circuit breaker and is torn down with connection attempts in flight,
    /// where one connection simply fails at once.
    public func count(_ query: PostgresQuery) async throws -> Int {
        let logger = Logger(label: "shikong.test.sql")
        let connection = try await PostgresConnection.connect(configuration: try configuration.database.connection(), id: 1, logger: logger)
        do {
            let value = try await connection.query(query, logger: logger).decode(Int.self).reduce(0, +)
            try await connection.close()
            return value
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// Polls a count until `done` accepts it or the timeout passes; returns the last value.
    public func waitForCount(_ query: PostgresQuery, timeout: Duration = .seconds(120), until done: (Int) -> Bool) async throws -> Int {
        let deadline = ContinuousClock.now + timeout
        var last = -1
        while ContinuousClock.now < deadline {
            last = (try? await count(query)) ?? last
            if done(last) { return last }
            try await Task.sleep(for: .milliseconds(500))
        }
        return last
    }
}

extension TestPlatform {
    /// After the broker came back empty: creates the topics and puts the log back from the archive.
    @discardableResult
    public func prepareRestartedBroker() async throws -> LogRecovery.Report {
        let logger = Logger(label: "shikong.test")
        guard let catalogue = configuration.topics else { throw LocalStackError("the platform has no topic catalogue") }
        try Pipeline.applyTopics(catalogue, bootstrap: configuration.kafkaBootstrap, logger: logger)
        return try await Pipeline.recoverLog(configuration, logger: logger)
    }
}

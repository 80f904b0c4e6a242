import Database
import Foundation
import JSON
import Logging
import PostgresNIO

/// What editing a feature needs from the entity projection: the entity as it stands (its version is
/// the ETag), a lock that serialises edits of one entity across API processes, and the outcome of
/// an edit's event (applied, or refused by the entity processor as a dead letter).
public struct EntityEditReads: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// An entity's current version.
    public struct Current: Sendable {
        public var version: Int
        public var contentHash: String?
        /// GeoJSON in EPSG:4490.
        public var geometry: JSONValue?
        public var properties: JSONValue
        public var source: String?
    }

    /// What became of an edit's event.
    public enum Outcome: Sendable {
        /// The projection holds it; the entity's version now.
        case applied(version: Int?)
        /// The entity processor refused it: the dead letter's reason.
        case refused(String)
        /// Neither yet.
        case pending
    }

    /// The entity's current version, or `nil` when it does not exist (or was retired).
    public func current(collection: String, id: String, on connection: PostgresConnection? = nil) async throws -> Current? {
        let query: PostgresQuery = """
            SELECT version, content_hash, ST_AsGeoJSON(geom, 15, 0), properties::text, source FROM entity_current
            WHERE collection = \(collection) AND entity_id = \(id)
            """
        let rows: [PostgresRow]
        if let connection {
            rows = try await connection.query(query, logger: logger).collect()
        } else {
            rows = try await client.rows(query, logger: logger)
        }
        guard let row = rows.first else { return nil }
        let (version, hash, geometry, properties, source) = try row.decode((Int, String?, String?, String, String?).self)
        return Current(
            version: version, contentHash: hash, geometry: geometry.flatMap { try? JSONParser.parse($0) },
            properties: (try? JSONParser.parse(properties)) ?? .object([]), source: source)
    }

    /// Runs `body` holding a transaction-scoped advisory lock on the entity, so two edits of it (from
    /// any API process) cannot both pass their `If-Match` check before either is applied.
    public func withLock<T: Sendable>(
        collection: String, id: String, _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await client.transaction(logger: logger) { connection in
            try await connection.query(
                "SELECT pg_advisory_xact_lock(hashtextextended(\("entity-edit|\(collection)|\(id)"), 0))", logger: logger)
            return try await body(connection)
        }
    }

    /// Waits up to `timeout` for the event's outcome.
    public func outcome(of event: UUID, collection: String, id: String, on connection: PostgresConnection, timeout: Duration) async throws -> Outcome
    {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let applied = try await connection.query(
                """
                SELECT (SELECT version FROM entity_current WHERE collection = \(collection) AND entity_id = \(id))
                FROM entity_versions WHERE event_id = \(event) LIMIT 1
                """, logger: logger
            ).collect()
            if let row = applied.first { return .applied(version: try row.decode(Int?.self)) }
            let refused = try await connection.query("SELECT reason FROM dead_letters WHERE event_id = \(event) LIMIT 1", logger: logger).collect()
            if let row = refused.first { return .refused(try row.decode(String.self)) }
            try await Task.sleep(for: .milliseconds(25))
        }
        return .pending
    }
}

import Ingest
import Logging
import PostgresNIO
import Projections

/// The importer's view of a collection, from the entity projection's `entity_current`.
public struct EntityBaseline: ImportBaseline {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func current(collection: String) async throws -> [String: (hash: String?, source: String?)] {
        var current: [String: (hash: String?, source: String?)] = [:]
        for row in try await client.rows(
            "SELECT entity_id, content_hash, source FROM entity_current WHERE collection = \(collection)", logger: logger)
        {
            let (id, hash, source) = try row.decode((String, String?, String?).self)
            current[id] = (hash, source)
        }
        return current
    }
}

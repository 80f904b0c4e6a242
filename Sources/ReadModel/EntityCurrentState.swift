import Database
import Logging
import PostgresNIO

/// What an entity collection holds now, as an import compares a file with it: the content hash of
/// each entity's current version and the source it came from (`entity_current`).
public struct EntityCurrentState: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func hashes(collection: String) async throws -> [String: (hash: String?, source: String?)] {
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

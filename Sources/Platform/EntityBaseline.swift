import Ingest
import Logging
import PostgresNIO
import ReadModel

/// The importer's view of a collection: the read model's current state of its entities.
public struct EntityBaseline: ImportBaseline {
    let state: EntityCurrentState

    public init(client: PostgresClient, logger: Logger) {
        self.state = EntityCurrentState(client: client, logger: logger)
    }

    public func current(collection: String) async throws -> [String: (hash: String?, source: String?)] {
        try await state.hashes(collection: collection)
    }
}

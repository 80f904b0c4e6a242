import Foundation
import Ingest
import Logging
import NIOCore
import PostgresNIO

/// Keeps the original bytes of dead letters too large for the dead-letter topic in
/// `dead_letter_payloads`, where the dead-letter projection finds them by id.
public struct PostgresDeadLetterPayloads: DeadLetterPayloadStore {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func keep(_ original: Data, deadLetter id: UUID) async throws {
        try await client.query(
            "INSERT INTO dead_letter_payloads (id, original) VALUES (\(id), \(ByteBuffer(bytes: original))) ON CONFLICT (id) DO NOTHING",
            logger: logger)
    }
}

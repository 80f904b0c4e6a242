import Foundation

/// Keeps the original bytes of a dead letter that the dead-letter topic cannot hold (a message
/// larger than the bridge's payload limit, or one the broker refused), under the dead letter's id,
/// so `GET /dlq/{id}` still returns them and a redrive can send them again.
public protocol DeadLetterPayloadStore: Sendable {
    /// Stores `original` for the dead letter `id`; storing the same id again changes nothing.
    func keep(_ original: Data, deadLetter id: UUID) async throws
}

import Events
import Foundation
import Kafka

/// Why a processor could not turn a message into its output: the reason its dead letter carries, and
/// the event's id when the envelope (or at least its id header) could be read.
public struct ProcessingFailure: Error, Sendable {
    public var reason: String
    public var eventID: UUID?
    /// The failure names something the process learns from a topic it follows (a datastream of the
    /// sensor registry): the stage tries once more after catching up with it before it gives up.
    public var mayBeStale = false

    public init(reason: String, eventID: UUID?, mayBeStale: Bool = false) {
        self.reason = reason
        self.eventID = eventID
        self.mayBeStale = mayBeStale
    }
}

extension ProcessingFailure {
    /// The failure an error means: an `EventDecodingError`'s reason, or the error's description.
    public init(_ error: any Error, eventID: UUID?) {
        self.init(
            reason: (error as? EventDecodingError)?.reason ?? (error as? StaleDefinitionError)?.reason ?? "\(error)", eventID: eventID,
            mayBeStale: error is StaleDefinitionError)
    }

    /// Reads the message's envelope and makes its output with `body`; an unreadable envelope or an
    /// error thrown is the failure (with the event id once the envelope is read).
    public static func catching(_ message: KafkaMessage, _ body: (EventMetadata) throws -> OutgoingRecord) -> Result<
        OutgoingRecord, ProcessingFailure
    > {
        let metadata: EventMetadata
        do {
            metadata = try EventMetadata(kafkaMessage: message)
        } catch {
            // The id header alone, when it is there, keeps the dead letter's id stable: a redelivered
            // copy of this record (at another offset) is then the same dead letter.
            return .failure(ProcessingFailure(reason: "envelope: \(error.reason)", eventID: message.header("ce_id").flatMap(UUID.init(canonical:))))
        }
        do {
            return .success(try body(metadata))
        } catch {
            return .failure(ProcessingFailure(error, eventID: metadata.id))
        }
    }
}

/// A failure that a fresher view of the followed definitions may undo (see `ProcessingFailure.mayBeStale`).
public struct StaleDefinitionError: Error, Sendable {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
}

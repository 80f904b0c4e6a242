import Events
import Foundation
import Gazetteer
import Kafka

/// How a ``GazetteerChange`` travels on `gazetteer.changes`: the change as JSON in the value, the
/// envelope in CloudEvents headers, keyed by the change's subject.
public enum GazetteerChangeRecord {
    public static let schema = "shikong/gazetteer.change/1"
    /// The JSON of a change (keys sorted, so equal changes have equal bytes).
    public static func encode(_ change: GazetteerChange) throws -> Data {
        try EventJSON.encoder().encode(change)
    }

    /// The record of a change.
    /// - Parameters:
    ///   - id: a fresh time-ordered id: the same alias may be removed and added again, and each edit
    ///     must count.
    ///   - source: e.g. `api://gazetteer` or `cli://gazetteer`.
    public static func record(_ change: GazetteerChange, id: UUID, source: String, recordedAt: Date = Date(), topic: String = Topics.gazetteer)
        throws -> OutgoingRecord
    {
        let metadata = EventMetadata(
            id: id, type: change.eventType, subject: change.subject, source: source, occurredAt: recordedAt, recordedAt: recordedAt, schema: schema)
        return metadata.record(topic: topic, value: try encode(change))
    }

    /// Reads a record back; the reason is fit for a dead letter.
    public static func decode(_ message: KafkaMessage) throws(EventDecodingError) -> (metadata: EventMetadata, change: GazetteerChange) {
        let metadata = try EventMetadata(kafkaMessage: message)
        let change: GazetteerChange
        do {
            change = try decoder.decode(GazetteerChange.self, from: message.value)
        } catch {
            throw EventDecodingError("not a gazetteer change: \(error)")
        }
        guard change.eventType == metadata.type else {
            throw EventDecodingError("ce_type \(metadata.type) does not match the change, a \(change.eventType)")
        }
        return (metadata, change)
    }

    private static let decoder = EventJSON.decoder()
}

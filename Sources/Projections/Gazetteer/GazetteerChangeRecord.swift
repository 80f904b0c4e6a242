import Events
import Foundation
import Gazetteer
import Kafka

/// How a ``GazetteerChange`` travels on `gazetteer.changes`: the change as JSON in the value, the
/// envelope in CloudEvents headers, keyed by the change's subject.
public enum GazetteerChangeRecord {
    public static let schema = "shikong/gazetteer.change/1"
    /// The time of the ids of loaded changes. A loaded change's id is derived from its content at this
    /// fixed time, so loading the same data again (or the same operator table) gives the same ids,
    /// which the projection and the engines apply once.
    public static let loadEpoch = Date(timeIntervalSince1970: 946_684_800)  // 2000-01-01T00:00:00Z

    /// The JSON of a change (keys sorted, so equal changes have equal bytes).
    public static func encode(_ change: GazetteerChange) throws -> Data {
        try EventJSON.encoder().encode(change)
    }

    /// The id a loaded change gets: its content at ``loadEpoch``.
    public static func loadID(_ change: GazetteerChange) throws -> UUID {
        EventIDGenerator.contentID(at: loadEpoch, content: Array(try encode(change)))
    }

    /// The record of a change.
    /// - Parameters:
    ///   - id: ``loadID(_:)`` for loads; a fresh time-ordered id for edits.
    ///   - source: e.g. `gazetteer://load/<data set>` or `api://gazetteer/aliases`.
    public static func record(_ change: GazetteerChange, id: UUID, source: String, recordedAt: Date = Date(), topic: String = Topics.gazetteer)
        throws -> OutgoingRecord
    {
        let metadata = EventMetadata(
            id: id, type: change.eventType, subject: change.subject, source: source, occurredAt: recordedAt, recordedAt: recordedAt, schema: schema)
        return metadata.record(topic: topic, value: try encode(change))
    }

    /// Records for a load: content-derived ids, in the order given.
    public static func loadRecords(_ changes: [GazetteerChange], source: String, recordedAt: Date = Date(), topic: String = Topics.gazetteer)
        throws -> [OutgoingRecord]
    {
        try changes.map { change in
            let value = try encode(change)
            let metadata = EventMetadata(
                id: EventIDGenerator.contentID(at: loadEpoch, content: Array(value)), type: change.eventType, subject: change.subject, source: source,
                occurredAt: recordedAt, recordedAt: recordedAt, schema: schema)
            return metadata.record(topic: topic, value: value)
        }
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

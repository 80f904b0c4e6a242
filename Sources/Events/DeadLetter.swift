import Foundation
import Kafka

/// A record that a stage could not handle, kept whole on the `dlq` topic with the reason.
public struct DeadLetter: Codable, Sendable {
    /// Id of this dead letter.
    public var id: UUID
    /// Id of the failed event, when its envelope could be read.
    public var eventID: UUID?
    /// The stage that gave up, e.g. `processors.spatialiser`.
    public var stage: String
    /// Why, in words an operator can act on.
    public var reason: String
    public var failedAt: Date
    /// Where the failed record was read.
    public var topic: String
    public var partition: Int32
    public var offset: Int64
    public var key: Data?
    public var headers: [String: String]
    /// The failed record's value, byte for byte (base64 in JSON); empty when it was too large for
    /// the topic and is kept in the database instead (`originalStored`).
    public var original: Data
    /// The size of the original bytes, when they are not in `original`.
    public var originalSize: Int?
    /// Where the original bytes are when not in `original`: `database` (`dead_letter_payloads`).
    public var originalStored: String?

    /// The id is derived from the stage and the failed event (its id, else where it was read), so the
    /// same failure reported twice — a stage retrying after a crash — is one dead letter.
    public init(failed message: KafkaMessage, stage: String, reason: String, eventID: UUID?, at date: Date = Date()) {
        let failedRecord = eventID.map { $0.uuidString.lowercased() } ?? "\(message.topic)/\(message.partition)/\(message.offset)"
        self.id = EventIDGenerator.contentID(
            at: eventID?.version7Date ?? message.timestampMilliseconds.map { Date(timeIntervalSince1970: Double($0) / 1_000) } ?? date,
            content: Array("\(stage)|\(failedRecord)".utf8))
        self.eventID = eventID
        self.stage = stage
        self.reason = reason
        self.failedAt = date
        self.topic = message.topic
        self.partition = message.partition
        self.offset = message.offset
        self.key = message.key
        self.headers = Dictionary(message.headers.map { ($0.key, String(decoding: $0.value, as: UTF8.self)) }) { first, _ in first }
        self.original = message.value
    }

    /// A record that never reached its topic (the broker refused it, or it broke an ingest limit):
    /// partition and offset are -1, the headers are the record's envelope. When `keptElsewhere`, the
    /// original bytes are not carried (they are too large for the dead-letter topic too) and whoever
    /// made the dead letter stored them in the database under its id.
    public init(unappended record: OutgoingRecord, stage: String, reason: String, keptElsewhere: Bool, at date: Date = Date()) {
        let headers = Dictionary(record.headers.map { ($0.key, String(decoding: $0.value, as: UTF8.self)) }) { first, _ in first }
        let eventID = headers["ce_id"].flatMap(UUID.init(canonical:))
        let failedRecord = eventID.map { Array($0.uuidString.lowercased().utf8) } ?? Array(record.topic.utf8) + [0] + Array(record.value)
        self.id = EventIDGenerator.contentID(at: eventID?.version7Date ?? date, content: Array("\(stage)|".utf8) + failedRecord)
        self.eventID = eventID
        self.stage = stage
        self.reason = reason
        self.failedAt = date
        self.topic = record.topic
        self.partition = -1
        self.offset = -1
        self.key = record.key
        self.headers = headers
        self.original = keptElsewhere ? Data() : record.value
        self.originalSize = keptElsewhere ? record.value.count : nil
        self.originalStored = keptElsewhere ? "database" : nil
    }

    enum CodingKeys: String, CodingKey {
        case id, stage, reason, topic, partition, offset, key, headers, original
        case eventID = "event_id"
        case failedAt = "failed_at"
        case originalSize = "original_size"
        case originalStored = "original_stored"
    }

    /// The record for the `dlq` topic, keyed like the original so redrives keep their order.
    public func record(topic: String) throws -> OutgoingRecord {
        let metadata = EventMetadata(
            id: id, type: "dead.letter", subject: headers["ce_subject"] ?? "dlq:\(self.topic)",
            source: "shikong://\(stage)", occurredAt: failedAt, recordedAt: failedAt, schema: "shikong/dead.letter/1")
        var record = metadata.record(topic: topic, value: try EventJSON.encoder().encode(self))
        record.key = key
        return record
    }
}

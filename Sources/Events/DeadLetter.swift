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
    /// The failed record's value, byte for byte (base64 in JSON).
    public var original: Data

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

    enum CodingKeys: String, CodingKey {
        case id, stage, reason, topic, partition, offset, key, headers, original
        case eventID = "event_id"
        case failedAt = "failed_at"
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

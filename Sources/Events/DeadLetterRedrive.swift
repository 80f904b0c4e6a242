import Foundation
import Kafka

/// That a dead letter was re-submitted (`dead.letter.redriven` on the `dlq` topic): the record went
/// back to its topic, as it was or corrected, under `redrivenAs`.
public struct DeadLetterRedrive: Codable, Sendable {
    /// The dead letter's id.
    public var id: UUID
    /// Event id of the re-submitted record (the failed event's own id when its bytes were unchanged).
    public var redrivenAs: UUID
    /// Whether the value was replaced by a corrected one.
    public var corrected: Bool
    public var redrivenAt: Date
    /// Where the re-submitted record went.
    public var topic: String
    public var partition: Int32
    public var offset: Int64

    public init(id: UUID, redrivenAs: UUID, corrected: Bool, redrivenAt: Date, delivery: KafkaDelivery) {
        self.id = id
        self.redrivenAs = redrivenAs
        self.corrected = corrected
        self.redrivenAt = redrivenAt
        self.topic = delivery.topic
        self.partition = delivery.partition
        self.offset = delivery.offset
    }

    enum CodingKeys: String, CodingKey {
        case id, corrected, topic, partition, offset
        case redrivenAs = "redriven_as"
        case redrivenAt = "redriven_at"
    }

    /// The record for the `dlq` topic, keyed by the dead letter so it follows it in order.
    public func record(topic: String) throws -> OutgoingRecord {
        let metadata = EventMetadata(
            id: EventIDGenerator.shared.next(at: redrivenAt), type: "dead.letter.redriven", subject: "dlq:\(id.uuidString.lowercased())",
            source: "shikong://api/dlq", occurredAt: redrivenAt, recordedAt: redrivenAt, schema: "shikong/dead.letter.redriven/1")
        return metadata.record(topic: topic, value: try EventJSON.encoder().encode(self))
    }
}

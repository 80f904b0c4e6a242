import Foundation
import Kafka

/// Fillers stand in for records a re-published log must not repeat (a second copy of an event the
/// archive kept once), so every other record keeps its offset. Every consumer skips them.
public enum LogFiller {
    public static let type = "log.filler"

    public static func record(topic: String, partition: Int32) -> OutgoingRecord {
        OutgoingRecord(
            topic: topic, partition: partition, key: nil, value: Data(),
            headers: [KafkaHeader(key: "ce_type", string: type), KafkaHeader(key: "ce_specversion", string: "1.0")])
    }
}

extension KafkaMessage {
    /// Whether this record is a filler left by re-publishing a log.
    public var isLogFiller: Bool { header("ce_type") == LogFiller.type }
}

import Foundation
import Kafka

extension KafkaMessage {
    /// The message a consumer would read back for a produced record.
    init(consumed record: OutgoingRecord, partition: Int32 = 0, offset: Int64 = 0) {
        self.init(
            topic: record.topic, partition: partition, offset: offset, key: record.key, value: record.value,
            headers: record.headers, timestampMilliseconds: record.timestampMilliseconds)
    }
}

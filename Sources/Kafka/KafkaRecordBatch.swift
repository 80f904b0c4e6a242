import CRdKafka
import Foundation

/// Records as librdkafka delivered them, read in place. `KafkaConsumer.poll` copies every value and
/// header into `Data`; a stage that scans each value once and keeps little of it (the aggregator
/// reads every event) polls batches instead and copies a record only when it keeps it whole (a
/// dead letter). librdkafka's messages are freed with the batch.
public final class KafkaRecordBatch: @unchecked Sendable {
    // Immutable after init; librdkafka's messages may be read from any thread and freed from any one.
    private let raws: [UnsafeMutablePointer<rd_kafka_message_t>]
    private let topics: [String]

    init(raws: [UnsafeMutablePointer<rd_kafka_message_t>], topics: [String]) {
        self.raws = raws
        self.topics = topics
    }

    deinit {
        for raw in raws { rd_kafka_message_destroy(raw) }
    }

    /// Every record copied out, as `KafkaConsumer.poll` returns them.
    public var messages: [KafkaMessage] { map(\.message) }
}

extension KafkaRecordBatch: RandomAccessCollection {
    public var startIndex: Int { 0 }
    public var endIndex: Int { raws.count }

    public subscript(position: Int) -> KafkaRecordView {
        KafkaRecordView(batch: self, raw: raws[position], topic: topics[position])
    }
}

/// One record of a `KafkaRecordBatch`, not copied: its bytes are lent to closures, which must not
/// keep them.
public struct KafkaRecordView: Sendable {
    // Holding the batch keeps the librdkafka message alive as long as the view.
    private let batch: KafkaRecordBatch
    private nonisolated(unsafe) let raw: UnsafeMutablePointer<rd_kafka_message_t>
    public let topic: String

    init(batch: KafkaRecordBatch, raw: UnsafeMutablePointer<rd_kafka_message_t>, topic: String) {
        self.batch = batch
        self.raw = raw
        self.topic = topic
    }

    public var partition: Int32 { raw.pointee.partition }
    public var offset: Int64 { raw.pointee.offset }
    public var topicPartition: TopicPartition { TopicPartition(topic: topic, partition: partition) }

    /// Calls `body` with the value's bytes (empty for a record without one).
    public func withValue<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try withExtendedLifetime(batch) {
            try body(UnsafeRawBufferPointer(start: raw.pointee.payload, count: raw.pointee.payload == nil ? 0 : raw.pointee.len))
        }
    }

    /// The first header called `name`, as UTF-8 text (as `KafkaMessage.header`).
    public func header(_ name: String) -> String? {
        withExtendedLifetime(batch) {
            var headers: OpaquePointer?
            guard rd_kafka_message_headers(raw, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR, let headers else { return nil }
            var value: UnsafeRawPointer?
            var size = 0
            guard rd_kafka_header_get(headers, 0, name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR else { return nil }
            guard let value else { return "" }
            return String(decoding: UnsafeRawBufferPointer(start: value, count: size), as: UTF8.self)
        }
    }

    /// The record copied out.
    public var message: KafkaMessage {
        withExtendedLifetime(batch) { KafkaMessage(topic: topic, rdKafkaMessage: raw) }
    }
}

extension KafkaMessage {
    /// A copy of a librdkafka message's key, value, headers and timestamp.
    init(topic: String, rdKafkaMessage raw: UnsafeMutablePointer<rd_kafka_message_t>) {
        let message = raw.pointee
        var timestampType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let timestamp = rd_kafka_message_timestamp(raw, &timestampType)
        self.init(
            topic: topic,
            partition: message.partition,
            offset: message.offset,
            key: message.key.map { Data(bytes: $0, count: message.key_len) },
            value: message.payload.map { Data(bytes: $0, count: message.len) } ?? Data(),
            headers: [KafkaHeader](rdKafkaMessage: raw),
            timestampMilliseconds: timestampType == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE ? nil : timestamp)
    }
}

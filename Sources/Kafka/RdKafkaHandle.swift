import CRdKafka
import Foundation
import Synchronization

/// An owned `rd_kafka_t *`. librdkafka handles are thread-safe, so the wrapper is `Sendable`; what
/// they are not is safe to use after `rd_kafka_destroy`. Calls that other services may make at any
/// time (admin requests, produce) run under ``leased(_:)``, and ``destroy(after:)`` waits for them,
/// so a lag measurement still in flight when the producer shuts down ends with `.closed` instead of
/// touching freed memory.
struct RdKafkaHandle: @unchecked Sendable {
    let pointer: OpaquePointer
    private let life = HandleLife()

    private init(pointer: OpaquePointer) {
        self.pointer = pointer
    }

    /// Runs `body` while the handle cannot be destroyed; throws `.closed` once destruction began.
    func leased<T>(_ body: () throws(KafkaError) -> T) throws(KafkaError) -> T {
        guard life.acquire() else { throw KafkaError(code: .closed, message: "the Kafka client is closed") }
        defer { life.release() }
        return try body()
    }

    /// Refuses new leases, waits until running ones ended, runs `last` (e.g. a final flush) and
    /// destroys the handle. Blocks the calling thread for at most the longest running call.
    func destroy(after last: (OpaquePointer) -> Void = { _ in }) {
        life.close()
        last(pointer)
        rd_kafka_destroy(pointer)
    }

    /// Builds a `rd_kafka_conf_t` from properties, lets `customise` add callbacks, then creates the client.
    static func make(
        type: rd_kafka_type_t, properties: [String: String],
        customise: (OpaquePointer) -> Void = { _ in }
    ) throws(KafkaError) -> RdKafkaHandle {
        guard let conf = rd_kafka_conf_new() else {
            throw KafkaError(code: .clientCreation, message: "rd_kafka_conf_new failed")
        }
        var errorText = [CChar](repeating: 0, count: 512)
        for (key, value) in properties.sorted(by: { $0.key < $1.key }) {
            let result = rd_kafka_conf_set(conf, key, value, &errorText, errorText.count)
            if result != RD_KAFKA_CONF_OK {
                rd_kafka_conf_destroy(conf)
                throw KafkaError(
                    code: .configuration, message: "\(key)=\(value): \(errorText.nulTerminatedString)")
            }
        }
        RdKafkaLog.install(on: conf)
        customise(conf)
        // rd_kafka_new takes ownership of conf on success only.
        guard let handle = rd_kafka_new(type, conf, &errorText, errorText.count) else {
            rd_kafka_conf_destroy(conf)
            throw KafkaError(code: .clientCreation, message: errorText.nulTerminatedString)
        }
        return RdKafkaHandle(pointer: handle)
    }

    /// Low and high watermark offsets of a partition, asked of the broker.
    func watermarks(_ partition: TopicPartition, timeoutMilliseconds: Int32) throws(KafkaError) -> (low: Int64, high: Int64) {
        try leased { () throws(KafkaError) in try unleasedWatermarks(partition, timeoutMilliseconds: timeoutMilliseconds) }
    }

    private func unleasedWatermarks(_ partition: TopicPartition, timeoutMilliseconds: Int32) throws(KafkaError) -> (low: Int64, high: Int64) {
        var low: Int64 = 0
        var high: Int64 = 0
        let err = rd_kafka_query_watermark_offsets(
            pointer, partition.topic, partition.partition, &low, &high, timeoutMilliseconds)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(err, context: "watermarks of \(partition)") }
        return (low, high)
    }

    /// Number of partitions of each topic that exists, from cluster metadata.
    func partitionCounts(timeoutMilliseconds: Int32) throws(KafkaError) -> [String: Int] {
        try layout(timeoutMilliseconds: timeoutMilliseconds).topics.mapValues(\.partitions)
    }

    func layout(timeoutMilliseconds: Int32) throws(KafkaError) -> ClusterLayout {
        try leased { () throws(KafkaError) in try unleasedLayout(timeoutMilliseconds: timeoutMilliseconds) }
    }

    private func unleasedLayout(timeoutMilliseconds: Int32) throws(KafkaError) -> ClusterLayout {
        var metadata: UnsafePointer<rd_kafka_metadata>?
        let err = rd_kafka_metadata(pointer, 1, nil, &metadata, timeoutMilliseconds)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else { throw KafkaError(err, context: "metadata") }
        defer { rd_kafka_metadata_destroy(metadata) }
        var topics: [String: ClusterLayout.Topic] = [:]
        for index in 0..<Int(metadata.pointee.topic_cnt) {
            let topic = metadata.pointee.topics[index]
            guard topic.err == RD_KAFKA_RESP_ERR_NO_ERROR else { continue }
            let partitions = (0..<Int(topic.partition_cnt)).map { topic.partitions[$0] }
            // The fewest copies any partition has: that is what the topic can lose.
            let replicas = partitions.map { Int($0.replica_cnt) }.min() ?? 0
            topics[String(cString: topic.topic)] = ClusterLayout.Topic(partitions: Int(topic.partition_cnt), replicationFactor: replicas)
        }
        return ClusterLayout(brokers: Int(metadata.pointee.broker_cnt), topics: topics)
    }
}

/// Counts the calls using a handle and, once closing, lets none begin.
private final class HandleLife: Sendable {
    private let state = Mutex<(users: Int, closing: Bool)>((0, false))

    func acquire() -> Bool {
        state.withLock { state in
            guard !state.closing else { return false }
            state.users += 1
            return true
        }
    }

    func release() {
        state.withLock { $0.users -= 1 }
    }

    /// Refuses new users and waits for the current ones (admin calls are bounded by their timeouts).
    func close() {
        state.withLock { $0.closing = true }
        while state.withLock({ $0.users > 0 }) { usleep(1_000) }
    }
}

extension Array where Element == KafkaHeader {
    /// A new `rd_kafka_headers_t`, owned by the caller until handed to a produce call.
    func makeRdKafkaHeaders() -> OpaquePointer? {
        guard !isEmpty else { return nil }
        let headers = rd_kafka_headers_new(count)
        for header in self {
            header.value.withUnsafeBytes { bytes in
                _ = rd_kafka_header_add(headers, header.key, -1, bytes.baseAddress, bytes.count)
            }
        }
        return headers
    }

    init(rdKafkaMessage message: UnsafeMutablePointer<rd_kafka_message_t>) {
        self = []
        var headers: OpaquePointer?
        guard rd_kafka_message_headers(message, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR, let headers else { return }
        var index = 0
        var name: UnsafePointer<CChar>?
        var value: UnsafeRawPointer?
        var size = 0
        while rd_kafka_header_get_all(headers, index, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR {
            if let name {
                let bytes = value.map { Data(bytes: $0, count: size) } ?? Data()
                append(KafkaHeader(key: String(cString: name), value: bytes))
            }
            index += 1
        }
    }
}

import Foundation

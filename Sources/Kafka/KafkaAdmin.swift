import CRdKafka
import Foundation

/// What a topic should look like on the cluster.
public struct TopicSpecification: Sendable, Hashable {
    public var name: String
    public var partitions: Int
    public var replicationFactor: Int
    /// Topic-level configs, e.g. `cleanup.policy`, `retention.ms`.
    public var configs: [String: String]

    public init(name: String, partitions: Int, replicationFactor: Int = 1, configs: [String: String] = [:]) {
        self.name = name
        self.partitions = partitions
        self.replicationFactor = replicationFactor
        self.configs = configs
    }
}

/// The brokers and topics a cluster reports in its metadata.
public struct ClusterLayout: Sendable, Hashable {
    public struct Topic: Sendable, Hashable {
        public var partitions: Int
        /// The fewest replicas any of its partitions has.
        public var replicationFactor: Int
    }

    public var brokers: Int
    public var topics: [String: Topic]
}

/// Admin operations over an existing client handle.
public struct KafkaAdmin: Sendable {
    public enum CreationOutcome: Sendable, Hashable {
        case created
        case alreadyExists
    }

    let handle: RdKafkaHandle

    /// Creates the topics that do not exist yet. Blocking: call from a thread that may block.
    public func createTopics(_ topics: [TopicSpecification], timeout: Duration = .seconds(15)) throws(KafkaError) -> [String: CreationOutcome] {
        guard !topics.isEmpty else { return [:] }
        return try handle.leased { () throws(KafkaError) in try unleasedCreateTopics(topics, timeout: timeout) }
    }

    private func unleasedCreateTopics(_ topics: [TopicSpecification], timeout: Duration) throws(KafkaError) -> [String: CreationOutcome] {
        var errorText = [CChar](repeating: 0, count: 512)
        var newTopics: [OpaquePointer?] = []
        defer { for topic in newTopics { rd_kafka_NewTopic_destroy(topic) } }
        for topic in topics {
            guard
                let newTopic = rd_kafka_NewTopic_new(topic.name, Int32(topic.partitions), Int32(topic.replicationFactor), &errorText, errorText.count)
            else {
                throw KafkaError(code: .configuration, message: "topic \(topic.name): \(errorText.nulTerminatedString)")
            }
            newTopics.append(newTopic)
            for (key, value) in topic.configs.sorted(by: { $0.key < $1.key }) {
                let err = rd_kafka_NewTopic_set_config(newTopic, key, value)
                guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(err, context: "topic \(topic.name) config \(key)") }
            }
        }
        let resultQueue = rd_kafka_queue_new(handle.pointer)
        defer { rd_kafka_queue_destroy(resultQueue) }
        let options = rd_kafka_AdminOptions_new(handle.pointer, RD_KAFKA_ADMIN_OP_CREATETOPICS)
        defer { rd_kafka_AdminOptions_destroy(options) }
        _ = rd_kafka_AdminOptions_set_operation_timeout(options, Int32(timeout.milliseconds), &errorText, errorText.count)
        newTopics.withUnsafeMutableBufferPointer { buffer in
            rd_kafka_CreateTopics(handle.pointer, buffer.baseAddress, buffer.count, options, resultQueue)
        }
        guard let event = rd_kafka_queue_poll(resultQueue, Int32(timeout.milliseconds + 1_000)) else {
            throw KafkaError(code: .timedOut, message: "CreateTopics got no answer")
        }
        defer { rd_kafka_event_destroy(event) }
        let eventError = rd_kafka_event_error(event)
        guard eventError == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(eventError, context: "CreateTopics") }
        var count = 0
        guard let result = rd_kafka_event_CreateTopics_result(event),
            let results = rd_kafka_CreateTopics_result_topics(result, &count)
        else { throw KafkaError(code: .broker(-1), message: "CreateTopics returned no result") }
        var outcomes: [String: CreationOutcome] = [:]
        for index in 0..<count {
            let topicResult = results[index]
            let name = String(cString: rd_kafka_topic_result_name(topicResult))
            switch rd_kafka_topic_result_error(topicResult) {
            case RD_KAFKA_RESP_ERR_NO_ERROR: outcomes[name] = .created
            case RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS: outcomes[name] = .alreadyExists
            case let err: throw KafkaError(err, context: "create topic \(name)")
            }
        }
        return outcomes
    }

    /// Partition counts of the topics that exist on the cluster.
    public func partitionCounts(timeout: Duration = .seconds(10)) throws(KafkaError) -> [String: Int] {
        try handle.partitionCounts(timeoutMilliseconds: Int32(timeout.milliseconds))
    }

    /// The cluster's brokers and each topic's partitions and replication factor.
    public func layout(timeout: Duration = .seconds(10)) throws(KafkaError) -> ClusterLayout {
        try handle.layout(timeoutMilliseconds: Int32(timeout.milliseconds))
    }

    /// Low and high watermark offsets of a partition.
    public func watermarks(_ partition: TopicPartition, timeout: Duration = .seconds(5)) throws(KafkaError) -> (low: Int64, high: Int64) {
        try handle.watermarks(partition, timeoutMilliseconds: Int32(timeout.milliseconds))
    }
}

extension KafkaAdmin {
    /// librdkafka's blocking metadata calls run here, on a thread of their own, so that an async
    /// caller suspends instead of holding one of the cooperative pool's few threads.
    private static let blockingCalls = DispatchQueue(label: "shikong.kafka.admin")

    /// ``watermarks(_:timeout:)`` without blocking the caller's thread.
    public func fetchWatermarks(_ partition: TopicPartition, timeout: Duration = .seconds(5)) async throws(KafkaError) -> (low: Int64, high: Int64) {
        try await offPool { () throws(KafkaError) in try watermarks(partition, timeout: timeout) }
    }

    /// ``partitionCounts(timeout:)`` without blocking the caller's thread.
    public func fetchPartitionCounts(timeout: Duration = .seconds(10)) async throws(KafkaError) -> [String: Int] {
        try await offPool { () throws(KafkaError) in try partitionCounts(timeout: timeout) }
    }

    private func offPool<T: Sendable>(_ call: @escaping @Sendable () throws(KafkaError) -> T) async throws(KafkaError) -> T {
        let result: Result<T, KafkaError> = await withCheckedContinuation { continuation in
            Self.blockingCalls.async {
                do throws(KafkaError) {
                    continuation.resume(returning: .success(try call()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }
}

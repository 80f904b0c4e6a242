import CRdKafka
import Foundation
import Logging
import Synchronization

/// A group consumer over librdkafka with manual commits.
///
/// Blocking librdkafka calls run on the consumer's own serial queue, never on the cooperative pool.
/// A stage that keeps its positions elsewhere (a projection keeps them in PostgreSQL, next to its rows)
/// passes a `PositionProvider`, asked on every partition assignment where to resume.
public final class KafkaConsumer: Sendable {
    /// Given newly assigned partitions, returns the next offset to read for those it knows.
    /// Partitions it leaves out resume from the group's committed offset, or `auto.offset.reset`.
    public typealias PositionProvider = @Sendable ([TopicPartition]) -> [TopicPartition: Int64]

    private let handle: RdKafkaHandle
    private let queue: DispatchQueue
    private let context: ConsumerContext
    private let closed = AtomicFlag(false)

    public init(
        configuration: KafkaConsumerConfiguration, topics: [String], positions: PositionProvider? = nil,
        logger: Logger = Logger(label: "shikong.kafka.consumer")
    ) throws(KafkaError) {
        let context = ConsumerContext(positions: positions, logger: logger)
        self.context = context
        self.queue = DispatchQueue(label: "shikong.kafka.consumer.\(configuration.groupID)")
        self.handle = try RdKafkaHandle.make(type: RD_KAFKA_CONSUMER, properties: configuration.rdKafkaProperties) { conf in
            rd_kafka_conf_set_opaque(conf, Unmanaged.passUnretained(context).toOpaque())
            rd_kafka_conf_set_rebalance_cb(conf, rebalanceCallback)
        }
        rd_kafka_poll_set_consumer(handle.pointer)
        let list = rd_kafka_topic_partition_list_new(Int32(topics.count))
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for topic in topics { rd_kafka_topic_partition_list_add(list, topic, -1) }
        let err = rd_kafka_subscribe(handle.pointer, list)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
            rd_kafka_destroy(handle.pointer)
            throw KafkaError(err, context: "subscribe to \(topics)")
        }
    }

    deinit {
        close()
    }

    /// Waits up to `timeout` for the first message, then returns it with any others already fetched,
    /// at most `maxMessages`. An empty array means nothing arrived in time.
    public func poll(maxMessages: Int = 500, timeout: Duration = .milliseconds(100)) async throws(KafkaError) -> [KafkaMessage] {
        let result: Result<[KafkaMessage], KafkaError> = await withCheckedContinuation { continuation in
            queue.async { [self] in continuation.resume(returning: pollNow(maxMessages: maxMessages, timeout: timeout)) }
        }
        return try result.get()
    }

    private func pollNow(maxMessages: Int, timeout: Duration) -> Result<[KafkaMessage], KafkaError> {
        guard !closed.isSet else {
            return .failure(KafkaError(code: .closed, message: "consumer is closed"))
        }
        var messages: [KafkaMessage] = []
        var wait = Int32(clamping: timeout.milliseconds)
        while messages.count < maxMessages, let raw = rd_kafka_consumer_poll(handle.pointer, wait) {
            defer { rd_kafka_message_destroy(raw) }
            wait = 0
            let message = raw.pointee
            guard message.err == RD_KAFKA_RESP_ERR_NO_ERROR else {
                if message.err == RD_KAFKA_RESP_ERR__PARTITION_EOF { continue }
                let error = KafkaError(message.err, context: "consume")
                if rd_kafka_fatal_error(handle.pointer, nil, 0) != RD_KAFKA_RESP_ERR_NO_ERROR {
                    return .failure(error)
                }
                context.logger.warning("consumer error", metadata: ["error": "\(error.message)"])
                continue
            }
            var timestampType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
            let timestamp = rd_kafka_message_timestamp(raw, &timestampType)
            messages.append(
                KafkaMessage(
                    topic: message.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? "",
                    partition: message.partition,
                    offset: message.offset,
                    key: message.key.map { Data(bytes: $0, count: message.key_len) },
                    value: message.payload.map { Data(bytes: $0, count: message.len) } ?? Data(),
                    headers: [KafkaHeader](rdKafkaMessage: raw),
                    timestampMilliseconds: timestampType == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE ? nil : timestamp))
        }
        return .success(messages)
    }

    /// Commits positions (the next offset to read, per partition) to the group, synchronously.
    public func commit(_ positions: [TopicPartition: Int64]) async throws(KafkaError) {
        guard !positions.isEmpty else { return }
        let result: Result<Void, KafkaError> = await withCheckedContinuation { continuation in
            queue.async { [self] in
                let list = rd_kafka_topic_partition_list_new(Int32(positions.count))
                defer { rd_kafka_topic_partition_list_destroy(list) }
                for (partition, offset) in positions {
                    rd_kafka_topic_partition_list_add(list, partition.topic, partition.partition)?.pointee.offset = offset
                }
                let err = rd_kafka_commit(handle.pointer, list, 0)
                // "No offset" means nothing changed since the last commit: not an error.
                if err == RD_KAFKA_RESP_ERR_NO_ERROR || err == RD_KAFKA_RESP_ERR__NO_OFFSET {
                    continuation.resume(returning: .success(()))
                } else {
                    continuation.resume(returning: .failure(KafkaError(err, context: "commit")))
                }
            }
        }
        try result.get()
    }

    /// Partitions currently assigned to this member of the group.
    public var assignment: Set<TopicPartition> { context.assigned }

    /// Whether the group has assigned this consumer at least once.
    public var hasJoinedGroup: Bool { context.joined }

    /// Low and high watermarks of a partition.
    public func watermarks(_ partition: TopicPartition, timeout: Duration = .seconds(5)) async throws(KafkaError) -> (low: Int64, high: Int64) {
        let result: Result<(low: Int64, high: Int64), KafkaError> = await withCheckedContinuation { continuation in
            queue.async { [handle] in
                do throws(KafkaError) {
                    continuation.resume(returning: .success(try handle.watermarks(partition, timeoutMilliseconds: Int32(timeout.milliseconds))))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }

    /// Leaves the group and releases the client. Safe to call more than once.
    public func close() {
        guard closed.setOnce() else { return }
        queue.sync { [handle] in
            _ = rd_kafka_consumer_close(handle.pointer)
            rd_kafka_destroy(handle.pointer)
        }
    }
}

/// State the rebalance callback needs; passed to librdkafka as the client's opaque pointer.
final class ConsumerContext: Sendable {
    let positions: KafkaConsumer.PositionProvider?
    let logger: Logger
    private let state = Mutex<(assigned: Set<TopicPartition>, joined: Bool)>(([], false))

    init(positions: KafkaConsumer.PositionProvider?, logger: Logger) {
        self.positions = positions
        self.logger = logger
    }

    var assigned: Set<TopicPartition> { state.withLock { $0.assigned } }
    var joined: Bool { state.withLock { $0.joined } }

    func setAssignment(_ partitions: Set<TopicPartition>) {
        state.withLock {
            $0.assigned = partitions
            $0.joined = true
        }
    }
}

private let rebalanceCallback:
    @convention(c) (
        OpaquePointer?, rd_kafka_resp_err_t, UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?, UnsafeMutableRawPointer?
    ) -> Void = { handle, err, list, opaque in
        guard let handle, let opaque else { return }
        let context = Unmanaged<ConsumerContext>.fromOpaque(opaque).takeUnretainedValue()
        guard err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS, let list else {
            rd_kafka_assign(handle, nil)
            context.setAssignment([])
            context.logger.info("partitions revoked")
            return
        }
        let elements = UnsafeMutableBufferPointer(start: list.pointee.elems, count: Int(list.pointee.cnt))
        let partitions = elements.map { TopicPartition(topic: String(cString: $0.topic), partition: $0.partition) }
        if let positions = context.positions?(partitions) {
            for index in elements.indices {
                if let offset = positions[partitions[index]] { elements[index].offset = offset }
            }
        }
        rd_kafka_assign(handle, list)
        context.setAssignment(Set(partitions))
        context.logger.info(
            "partitions assigned",
            metadata: ["partitions": "\(zip(partitions, elements).map { "\($0.0)@\($0.1.offset)" }.joined(separator: ","))"])
    }

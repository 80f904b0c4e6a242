import CRdKafka
import Foundation
import Logging
import Synchronization

/// A consumer over librdkafka with manual commits: either a member of a consumer group that shares
/// the partitions of its topics with the other members, or a reader of explicit partitions from
/// explicit offsets (replays, catch-ups, tools), outside any rebalancing.
///
/// Blocking librdkafka calls run on the consumer's own serial queue, never on the cooperative pool.
/// librdkafka fetches ahead only as far as `queued.max.messages.kbytes`; nothing more is read until
/// the stage polls again, which is the back-pressure. A stage that keeps its positions elsewhere (a
/// projection keeps them in PostgreSQL, next to its rows) passes a `PositionProvider`, asked on every
/// partition assignment where to resume.
public final class KafkaConsumer: Sendable {
    /// Given newly assigned partitions, returns the next offset to read for those it knows.
    /// Partitions it leaves out resume from the group's committed offset, or `auto.offset.reset`.
    public typealias PositionProvider = @Sendable ([TopicPartition]) -> [TopicPartition: Int64]

    /// What the consumer reads.
    public enum Subscription: Sendable {
        /// Join the consumer group and share these topics' partitions with its other members.
        case topics([String])
        /// Read exactly these partitions, from these next offsets, without joining the group's rebalancing.
        case partitions([TopicPartition: Int64])
    }

    private let handle: RdKafkaHandle
    private let queue: DispatchQueue
    private let context: ConsumerContext
    private let closed = AtomicFlag(false)
    private let groupID: String

    public init(
        configuration: KafkaConsumerConfiguration, subscription: Subscription, positions: PositionProvider? = nil,
        logger: Logger = Logger(label: "shikong.kafka.consumer")
    ) throws(KafkaError) {
        let context = ConsumerContext(groupID: configuration.groupID, positions: positions, logger: logger)
        self.context = context
        self.groupID = configuration.groupID
        self.queue = DispatchQueue(label: "shikong.kafka.consumer.\(configuration.groupID)")
        self.handle = try RdKafkaHandle.make(type: RD_KAFKA_CONSUMER, properties: configuration.rdKafkaProperties) { conf in
            rd_kafka_conf_set_opaque(conf, Unmanaged.passUnretained(context).toOpaque())
            rd_kafka_conf_set_rebalance_cb(conf, rebalanceCallback)
        }
        rd_kafka_poll_set_consumer(handle.pointer)
        let err: rd_kafka_resp_err_t
        switch subscription {
        case .topics(let topics):
            let list = rd_kafka_topic_partition_list_new(Int32(topics.count))
            defer { rd_kafka_topic_partition_list_destroy(list) }
            for topic in topics { rd_kafka_topic_partition_list_add(list, topic, -1) }
            err = rd_kafka_subscribe(handle.pointer, list)
            if err == RD_KAFKA_RESP_ERR_NO_ERROR { ConsumerAssignments.register(context) }
        case .partitions(let positions):
            let list = rd_kafka_topic_partition_list_new(Int32(positions.count))
            defer { rd_kafka_topic_partition_list_destroy(list) }
            for (partition, offset) in positions {
                rd_kafka_topic_partition_list_add(list, partition.topic, partition.partition)?.pointee.offset = offset
            }
            err = rd_kafka_assign(handle.pointer, list)
            context.setAssignment(Set(positions.keys))
        }
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
            handle.destroy()
            throw KafkaError(err, context: "subscribe to \(subscription)")
        }
    }

    /// A group consumer of `topics`.
    public convenience init(
        configuration: KafkaConsumerConfiguration, topics: [String], positions: PositionProvider? = nil,
        logger: Logger = Logger(label: "shikong.kafka.consumer")
    ) throws(KafkaError) {
        try self.init(configuration: configuration, subscription: .topics(topics), positions: positions, logger: logger)
    }

    deinit {
        close()
    }

    /// Waits up to `timeout` for the first message, then returns it with any others already fetched,
    /// at most `maxMessages`. An empty array means nothing arrived in time.
    public func poll(maxMessages: Int = 500, timeout: Duration = .milliseconds(100)) async throws(KafkaError) -> [KafkaMessage] {
        try await pollRecords(maxMessages: maxMessages, timeout: timeout).messages
    }

    /// Polls like `poll`, but lends the records in place instead of copying each value and header.
    public func pollRecords(maxMessages: Int = 500, timeout: Duration = .milliseconds(100)) async throws(KafkaError) -> KafkaRecordBatch {
        let result: Result<KafkaRecordBatch, KafkaError> = await withCheckedContinuation { continuation in
            queue.async { [self] in continuation.resume(returning: pollNow(maxMessages: maxMessages, timeout: timeout)) }
        }
        return try result.get()
    }

    /// Batches as an asynchronous sequence; see `KafkaConsumerBatches`.
    public func batches(maxMessages: Int = 500, timeout: Duration = .milliseconds(100)) -> KafkaConsumerBatches {
        KafkaConsumerBatches(consumer: self, maxMessages: maxMessages, timeout: timeout)
    }

    private func pollNow(maxMessages: Int, timeout: Duration) -> Result<KafkaRecordBatch, KafkaError> {
        guard !closed.isSet else {
            return .failure(KafkaError(code: .closed, message: "consumer is closed"))
        }
        var raws: [UnsafeMutablePointer<rd_kafka_message_t>] = []
        var topics: [String] = []
        raws.reserveCapacity(min(maxMessages, 1_024))
        topics.reserveCapacity(min(maxMessages, 1_024))
        var wait = Int32(clamping: timeout.milliseconds)
        // A batch mostly comes from one topic: its name is copied once, not once per message.
        var topicNames = TopicNameCache()
        var failure: KafkaError?
        // The first message is waited for; the rest are taken from the consumer's queue in one call
        // (`rd_kafka_consumer_poll` reads the clock and locks the queue once per message).
        let queue = rd_kafka_queue_get_consumer(handle.pointer)
        defer { if let queue { rd_kafka_queue_destroy(queue) } }
        var popped = [UnsafeMutablePointer<rd_kafka_message_t>?](repeating: nil, count: min(maxMessages, 1_024))
        messages: while raws.count < maxMessages {
            var taken = 0
            if raws.isEmpty || queue == nil {
                guard let raw = rd_kafka_consumer_poll(handle.pointer, wait) else { break }
                popped[0] = raw
                taken = 1
                wait = 0
            } else {
                taken = popped.withUnsafeMutableBufferPointer { buffer in
                    rd_kafka_consume_batch_queue(queue, 0, buffer.baseAddress, min(buffer.count, maxMessages - raws.count))
                }
                if taken <= 0 { break }
            }
            for index in 0..<taken {
                guard let raw = popped[index] else { continue }
                let err = raw.pointee.err
                guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
                    rd_kafka_message_destroy(raw)
                    if err == RD_KAFKA_RESP_ERR__PARTITION_EOF { continue }
                    let error = KafkaError(err, context: "consume")
                    KafkaMetrics.consumeFailed(group: groupID)
                    if rd_kafka_fatal_error(handle.pointer, nil, 0) != RD_KAFKA_RESP_ERR_NO_ERROR {
                        failure = error
                        for rest in popped[(index + 1)..<taken] { if let rest { rd_kafka_message_destroy(rest) } }
                        break messages
                    }
                    context.warnRateLimited(error.message)
                    continue
                }
                raws.append(raw)
                topics.append(topicNames.name(of: raw.pointee.rkt))
            }
        }
        let batch = KafkaRecordBatch(raws: raws, topics: topics)
        if let failure { return .failure(failure) }
        // Runs of one topic, counted with a comparison each (the names of a run share their storage).
        var start = 0
        while start < topics.count {
            var end = start + 1
            while end < topics.count, topics[end] == topics[start] { end += 1 }
            KafkaMetrics.consumed(group: groupID, topic: topics[start], count: end - start)
            start = end
        }
        // Sampled on empty polls too, so a caught-up consumer reports 0 rather than its last backlog.
        if context.shouldSampleLag() {
            let lags = lagNow()
            context.recordLag(lags)
            for (partition, lag) in lags { KafkaMetrics.lag(group: groupID, partition: partition, value: lag) }
        }
        return .success(batch)
    }

    /// Commits positions (the next offset to read, per partition) to the group, synchronously.
    public func commit(_ positions: [TopicPartition: Int64]) async throws(KafkaError) {
        try await commitResult(positions).get()
    }

    /// Commits like `commit`, but returns `false` instead of throwing when the group refuses the
    /// commit because this member lost its partitions (`KafkaError.isGroupMembershipLost`): the
    /// group rebalanced, or evicted the member after a stall. Whoever holds the partitions now reads
    /// on from the last committed offset; this member rejoins on its next poll.
    public func commitUnlessGroupMovedOn(_ positions: [TopicPartition: Int64]) async throws(KafkaError) -> Bool {
        switch await commitResult(positions) {
        case .success: return true
        case .failure(let error) where error.isGroupMembershipLost: return false
        case .failure(let error): throw error
        }
    }

    private func commitResult(_ positions: [TopicPartition: Int64]) async -> Result<Void, KafkaError> {
        guard !positions.isEmpty else { return .success(()) }
        return await withCheckedContinuation { continuation in
            queue.async { [self] in
                let list = Self.partitionList(positions)
                defer { rd_kafka_topic_partition_list_destroy(list) }
                let err = rd_kafka_commit(handle.pointer, list, 0)
                // "No offset" means nothing changed since the last commit: not an error.
                if err == RD_KAFKA_RESP_ERR_NO_ERROR || err == RD_KAFKA_RESP_ERR__NO_OFFSET {
                    continuation.resume(returning: .success(()))
                } else {
                    continuation.resume(returning: .failure(KafkaError(err, context: "commit")))
                }
            }
        }
    }

    /// The group's committed positions for these partitions (absent when the group has none).
    public func committed(_ partitions: [TopicPartition], timeout: Duration = .seconds(10)) async throws(KafkaError) -> [TopicPartition: Int64] {
        let result: Result<[TopicPartition: Int64], KafkaError> = await withCheckedContinuation { continuation in
            queue.async { [self] in
                let list = Self.partitionList(Dictionary(uniqueKeysWithValues: partitions.map { ($0, Int64(-1001)) }))
                defer { rd_kafka_topic_partition_list_destroy(list) }
                let err = rd_kafka_committed(handle.pointer, list, Int32(clamping: timeout.milliseconds))
                guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
                    continuation.resume(returning: .failure(KafkaError(err, context: "committed offsets")))
                    return
                }
                continuation.resume(returning: .success(Self.offsets(in: list).filter { $0.value >= 0 }))
            }
        }
        return try result.get()
    }

    /// Stops fetching from these partitions until `resume`; what was fetched already is still returned.
    public func pause(_ partitions: [TopicPartition]) throws(KafkaError) {
        let list = Self.partitionList(Dictionary(uniqueKeysWithValues: partitions.map { ($0, Int64(-1001)) }))
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let err = rd_kafka_pause_partitions(handle.pointer, list)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(err, context: "pause") }
    }

    /// Fetches from paused partitions again.
    public func resume(_ partitions: [TopicPartition]) throws(KafkaError) {
        let list = Self.partitionList(Dictionary(uniqueKeysWithValues: partitions.map { ($0, Int64(-1001)) }))
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let err = rd_kafka_resume_partitions(handle.pointer, list)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(err, context: "resume") }
    }

    /// Partitions currently assigned to this consumer.
    public var assignment: Set<TopicPartition> { context.assigned }

    /// Whether the group has assigned this consumer at least once (always true for explicit partitions).
    public var hasJoinedGroup: Bool { context.joined }

    /// Low and high watermarks of a partition, asked of the broker.
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

    /// Messages not yet read per assigned partition, from the watermarks of the last fetches (no
    /// broker round trip). Partitions with no position yet are left out. Call it on the consumer's queue.
    private func lagNow() -> [TopicPartition: Int64] {
        let assigned = context.assigned
        guard !assigned.isEmpty else { return [:] }
        let list = Self.partitionList(Dictionary(uniqueKeysWithValues: assigned.map { ($0, Int64(-1001)) }))
        defer { rd_kafka_topic_partition_list_destroy(list) }
        guard rd_kafka_position(handle.pointer, list) == RD_KAFKA_RESP_ERR_NO_ERROR else { return [:] }
        var lags: [TopicPartition: Int64] = [:]
        for (partition, position) in Self.offsets(in: list) where position >= 0 {
            var low: Int64 = -1
            var high: Int64 = -1
            guard rd_kafka_get_watermark_offsets(handle.pointer, partition.topic, partition.partition, &low, &high) == RD_KAFKA_RESP_ERR_NO_ERROR,
                high >= 0
            else { continue }
            lags[partition] = max(0, high - position)
        }
        return lags
    }

    /// Leaves the group and releases the client. Safe to call more than once.
    public func close() {
        guard closed.setOnce() else { return }
        // rd_kafka_consumer_close serves the last rebalance callbacks on this (possibly a
        // cooperative-pool) thread: they must not wait for a task, or two closing consumers on a
        // 2-core machine hold both pool threads waiting for tasks that can never run.
        context.beginClosing()
        ConsumerAssignments.unregister(context)
        queue.sync { [handle] in
            _ = rd_kafka_consumer_close(handle.pointer)
            handle.destroy()
        }
    }

    var isClosed: Bool { closed.isSet }

    private static func partitionList(_ positions: [TopicPartition: Int64]) -> UnsafeMutablePointer<rd_kafka_topic_partition_list_t> {
        let list = rd_kafka_topic_partition_list_new(Int32(positions.count))!
        for (partition, offset) in positions {
            rd_kafka_topic_partition_list_add(list, partition.topic, partition.partition)?.pointee.offset = offset
        }
        return list
    }

    private static func offsets(in list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) -> [TopicPartition: Int64] {
        var offsets: [TopicPartition: Int64] = [:]
        for element in UnsafeBufferPointer(start: list.pointee.elems, count: Int(list.pointee.cnt)) where element.err == RD_KAFKA_RESP_ERR_NO_ERROR {
            offsets[TopicPartition(topic: String(cString: element.topic), partition: element.partition)] = element.offset
        }
        return offsets
    }
}

/// A consumer's batches as an asynchronous sequence. Each element is what one poll returned; an empty
/// batch means nothing arrived within the poll timeout (stages use it to notice that their input is
/// drained). The sequence ends when the consumer is closed or the task is cancelled.
public struct KafkaConsumerBatches: AsyncSequence, Sendable {
    public typealias Element = [KafkaMessage]
    let consumer: KafkaConsumer
    let maxMessages: Int
    let timeout: Duration

    public struct AsyncIterator: AsyncIteratorProtocol {
        let consumer: KafkaConsumer
        let maxMessages: Int
        let timeout: Duration

        public mutating func next() async throws -> [KafkaMessage]? {
            guard !Task.isCancelled, !consumer.isClosed else { return nil }
            do {
                return try await consumer.poll(maxMessages: maxMessages, timeout: timeout)
            } catch  where error.code == .closed {
                return nil
            }
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(consumer: consumer, maxMessages: maxMessages, timeout: timeout)
    }
}

/// State the rebalance callback needs; passed to librdkafka as the client's opaque pointer.
final class ConsumerContext: Sendable {
    let groupID: String
    let positions: KafkaConsumer.PositionProvider?
    let logger: Logger
    private let lags = Mutex<[TopicPartition: Int64]>([:])
    private let state = Mutex<(assigned: Set<TopicPartition>, joined: Bool)>(([], false))
    private let closing = Mutex(false)
    private let lastWarning = Mutex<(at: ContinuousClock.Instant?, suppressed: Int)>((nil, 0))
    private let lastLagSample = Mutex<ContinuousClock.Instant?>(nil)

    init(groupID: String, positions: KafkaConsumer.PositionProvider?, logger: Logger) {
        self.groupID = groupID
        self.positions = positions
        self.logger = logger
    }

    var assigned: Set<TopicPartition> { state.withLock { $0.assigned } }
    /// Set before the consumer leaves its group: partitions assigned from then on are not taken.
    var isClosing: Bool { closing.withLock { $0 } }

    func beginClosing() {
        closing.withLock { $0 = true }
    }
    var joined: Bool { state.withLock { $0.joined } }

    func setAssignment(_ partitions: Set<TopicPartition>) {
        let revoked = state.withLock { state in
            let revoked = state.assigned.subtracting(partitions)
            state.assigned = partitions
            state.joined = true
            return revoked
        }
        // Another member reads them now: this one's gauge must not keep counting their old backlog.
        lags.withLock { lags in for partition in revoked { lags[partition] = nil } }
        for partition in revoked { KafkaMetrics.lag(group: groupID, partition: partition, value: 0) }
    }

    /// The lag last sampled per assigned partition.
    var lastLag: [TopicPartition: Int64] { lags.withLock { $0 } }

    func recordLag(_ sample: [TopicPartition: Int64]) {
        let assigned = assigned
        lags.withLock { lags in
            for (partition, lag) in sample where assigned.contains(partition) { lags[partition] = lag }
        }
    }

    /// Logs a consumer error at most every 30 s (a broker outage would otherwise flood the log).
    func warnRateLimited(_ message: String) {
        let now = ContinuousClock.now
        let suppressed: Int? = lastWarning.withLock { state in
            if let at = state.at, now - at < .seconds(30) {
                state.suppressed += 1
                return nil
            }
            defer { state = (now, 0) }
            return state.suppressed
        }
        if let suppressed {
            logger.warning("consumer error", metadata: ["error": "\(message)", "similar errors suppressed": "\(suppressed)"])
        }
    }

    /// Whether a second has passed since lag was last sampled.
    func shouldSampleLag() -> Bool {
        let now = ContinuousClock.now
        return lastLagSample.withLock { last in
            if let previous = last, now - previous < .seconds(1) { return false }
            last = now
            return true
        }
    }
}

private let rebalanceCallback:
    @convention(c) (
        OpaquePointer?, rd_kafka_resp_err_t, UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?, UnsafeMutableRawPointer?
    ) -> Void = { handle, err, list, opaque in
        guard let handle, let opaque else { return }
        let context = Unmanaged<ConsumerContext>.fromOpaque(opaque).takeUnretainedValue()
        // A closing consumer takes no partitions: no positions lookup (it may wait on PostgreSQL).
        guard err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS, let list, !context.isClosing else {
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

/// The name of the topic handles a batch saw last.
private struct TopicNameCache {
    private var handle: OpaquePointer?
    private var name = ""

    mutating func name(of topic: OpaquePointer?) -> String {
        guard let topic else { return "" }
        if topic != handle {
            handle = topic
            name = String(cString: rd_kafka_topic_name(topic))
        }
        return name
    }
}

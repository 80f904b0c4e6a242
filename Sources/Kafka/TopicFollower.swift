import Foundation
import Logging
import Synchronization

/// Reads every partition of a small topic from its start and keeps reading, outside any consumer
/// group, so that every process holds the whole of it: definitions every process must know (tasks,
/// the sensor registry) live on such topics.
///
/// `run` hands each batch to `apply` in order. `catchUp(timeout:)` waits until everything appended
/// before the call has been applied: a caller that must decide from a complete view ("no such
/// datastream") asks for it first.
public final class TopicFollower: Sendable {
    private let kafka: KafkaClientConfiguration
    private let topic: String
    private let partitions: Int
    private let logger: Logger
    /// Asks the broker where the topic ends (for `catchUp`); without one, a client is made per call.
    private let watermarks: KafkaProducer?
    /// Next offset to apply, per partition.
    private let state = Mutex<[Int32: Int64]>([:])

    public init(kafka: KafkaClientConfiguration, topic: String, partitions: Int = 1, watermarks: KafkaProducer? = nil, logger: Logger) {
        self.kafka = kafka
        self.watermarks = watermarks
        self.topic = topic
        self.partitions = partitions
        self.logger = logger
    }

    /// Follows the topic until the task is cancelled, applying each batch in order.
    public func run(apply: @Sendable ([KafkaMessage]) async -> Void) async throws {
        var configuration = KafkaConsumerConfiguration(
            client: kafka, groupID: "\(kafka.clientID).follow-\(topic)-\(UUID().uuidString.prefix(8).lowercased())")
        configuration.autoOffsetReset = "earliest"
        let start = Dictionary(uniqueKeysWithValues: (0..<partitions).map { (TopicPartition(topic: topic, partition: Int32($0)), Int64(-2)) })
        let consumer = try KafkaConsumer(configuration: configuration, subscription: .partitions(start), logger: logger)
        defer { consumer.close() }
        while !Task.isCancelled {
            let batch = try await consumer.poll(maxMessages: 2_000, timeout: .milliseconds(200))
            guard !batch.isEmpty else { continue }
            await apply(batch)
            var next: [Int32: Int64] = [:]
            for message in batch { next[message.partition] = max(next[message.partition] ?? 0, message.offset + 1) }
            advance(to: next)
        }
    }

    /// Waits until every record appended before this call has been applied, or `timeout` passes.
    /// Returns whether it caught up.
    @discardableResult
    public func catchUp(timeout: Duration = .seconds(10)) async -> Bool {
        var target: [Int32: Int64] = [:]
        do {
            let admin = try watermarks ?? KafkaProducer(configuration: KafkaProducerConfiguration(client: kafka))
            defer { if watermarks == nil { admin.close() } }
            for partition in 0..<partitions {
                let high = try await admin.admin.fetchWatermarks(TopicPartition(topic: topic, partition: Int32(partition))).high
                if high > 0 { target[Int32(partition)] = high }
            }
        } catch {
            logger.warning("cannot read the end of the topic to catch up with", metadata: ["topic": "\(topic)", "error": "\(error)"])
            return false
        }
        return await reach(target, timeout: timeout)
    }

    /// Whether the follower has applied everything up to `target` (next offsets per partition).
    public func hasReached(_ target: [Int32: Int64]) -> Bool {
        state.withLock { Self.reached($0, target) }
    }

    private func reach(_ target: [Int32: Int64], timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !hasReached(target) {
            guard ContinuousClock.now < deadline, !Task.isCancelled else { return false }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return true
    }

    private func advance(to next: [Int32: Int64]) {
        state.withLock { positions in
            for (partition, offset) in next { positions[partition] = max(positions[partition] ?? 0, offset) }
        }
    }

    private static func reached(_ positions: [Int32: Int64], _ target: [Int32: Int64]) -> Bool {
        target.allSatisfy { positions[$0.key, default: 0] >= $0.value }
    }
}

import Events
import Foundation
import Gazetteer
import Kafka
import Logging
import ServiceLifecycle
import Synchronization

/// Keeps a process's gazetteer engine in step with `gazetteer.changes`: reads the topic from its start
/// and applies every change, in order, that the engine does not already reflect. An engine started
/// from a snapshot therefore skips what the snapshot holds (a comparison each) and picks up edits made
/// since — an alias added through the API is live within about a second. Each change is applied
/// once per event id, as the projection applies it.
///
/// Every process reads the whole topic (no consumer group is joined), so API and processor replicas
/// each hold the whole gazetteer.
public final class GazetteerFollower: Service {
    public let engine: GazetteerEngine
    private let kafka: KafkaClientConfiguration
    private let topic: String
    private let partitions: Int
    private let logger: Logger
    private let status = GazetteerFollowerStatus()

    public init(
        engine: GazetteerEngine, kafka: KafkaClientConfiguration, topic: String = Topics.gazetteer, partitions: Int = 1,
        logger: Logger = Logger(label: "shikong.gazetteer")
    ) {
        self.engine = engine
        self.kafka = kafka
        self.topic = topic
        self.partitions = partitions
        self.logger = logger
    }

    /// Reads the topic once from its start up to its current end, applies what the engine lacks, and
    /// returns how many changes were applied: for commands that geocode with the gazetteer as the
    /// platform has it (`shikong replay --projection items`) without running a follower.
    public func catchUp() async throws -> Int {
        let admin = try KafkaProducer(configuration: KafkaProducerConfiguration(client: kafka))
        var remaining: [TopicPartition: Int64] = [:]
        for partition in 0..<partitions {
            let tp = TopicPartition(topic: topic, partition: Int32(partition))
            let high = try await admin.admin.fetchWatermarks(tp).high
            if high > 0 { remaining[tp] = high }
        }
        admin.close()
        guard !remaining.isEmpty else { return 0 }
        var configuration = KafkaConsumerConfiguration(
            client: kafka, groupID: "\(kafka.clientID).gazetteer-\(UUID().uuidString.prefix(8).lowercased())")
        configuration.autoOffsetReset = "earliest"
        let consumer = try KafkaConsumer(configuration: configuration, subscription: .partitions(remaining.mapValues { _ in -2 }), logger: logger)
        defer { consumer.close() }
        var seen = Set<UUID>()
        var applied = 0
        let deadline = ContinuousClock.now + .seconds(60)
        while !remaining.isEmpty {
            guard ContinuousClock.now < deadline else { throw KafkaError(code: .timedOut, message: "gazetteer changes did not arrive within 60 s") }
            let batch = try await consumer.poll(maxMessages: 2_000, timeout: .milliseconds(200))
            var changes: [GazetteerChange] = []
            for message in batch {
                if let end = remaining[message.topicPartition], message.offset + 1 >= end { remaining[message.topicPartition] = nil }
                guard !message.isLogFiller, let (metadata, change) = try? GazetteerChangeRecord.decode(message), seen.insert(metadata.id).inserted
                else { continue }
                changes.append(change)
            }
            applied += engine.applyChanges(changes)
        }
        return applied
    }

    /// Events read and changes applied so far.
    public var progress: (read: Int, applied: Int) { status.progress }

    public func run() async throws {
        var configuration = KafkaConsumerConfiguration(
            client: kafka, groupID: "\(kafka.clientID).gazetteer-\(UUID().uuidString.prefix(8).lowercased())")
        configuration.autoOffsetReset = "earliest"
        let start = Dictionary(uniqueKeysWithValues: (0..<partitions).map { (TopicPartition(topic: topic, partition: Int32($0)), Int64(-2)) })
        let consumer = try KafkaConsumer(configuration: configuration, subscription: .partitions(start), logger: logger)
        defer { consumer.close() }
        logger.info("following gazetteer changes", metadata: ["topic": "\(topic)"])
        var seen = Set<UUID>()
        var quiet = false
        for try await batch in consumer.batches(maxMessages: 2_000, timeout: .milliseconds(200)) {
            if Task.isShuttingDownGracefully || Task.isCancelled { break }
            guard !batch.isEmpty else {
                if !quiet {
                    quiet = true
                    let (read, applied) = status.progress
                    logger.info("gazetteer up to date with its topic", metadata: ["events": "\(read)", "applied": "\(applied)"])
                }
                continue
            }
            quiet = false
            var changes: [GazetteerChange] = []
            changes.reserveCapacity(batch.count)
            for message in batch where !message.isLogFiller {
                do {
                    let (metadata, change) = try GazetteerChangeRecord.decode(message)
                    guard seen.insert(metadata.id).inserted else { continue }
                    changes.append(change)
                } catch {
                    // The projection sends it to the dead-letter topic; here it is only skipped.
                    logger.warning("unreadable gazetteer change skipped", metadata: ["offset": "\(message.offset)", "reason": "\(error.reason)"])
                }
            }
            let applied = engine.applyChanges(changes)
            status.add(read: batch.count, applied: applied)
            if applied > 0 { logger.debug("gazetteer changes applied", metadata: ["count": "\(applied)"]) }
        }
    }
}

/// Counters shared between the follower's task and readers.
private final class GazetteerFollowerStatus: Sendable {
    private let counts = Mutex<(read: Int, applied: Int)>((0, 0))

    var progress: (read: Int, applied: Int) { counts.withLock { $0 } }

    func add(read: Int, applied: Int) {
        counts.withLock { counts in
            counts.read += read
            counts.applied += applied
        }
    }
}

import Database
import Events
import Foundation
import Kafka
import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// Runs a projection live: consumes its topics from the positions stored with its rows and applies
/// each batch exactly once (see `ProjectionWriter`). Scales out by consumer group: instances share
/// the partitions, and each resumes a partition where its rows say.
public final class ProjectionRunner<P: Projection>: Service {
    public struct Configuration: Sendable {
        public var consumer: KafkaConsumerConfiguration
        public var deadLetterTopic: String = Topics.deadLetters
        /// The most records one transaction takes. A poll returns what librdkafka has fetched, up to
        /// this, so batches stay small (and fresh) under light load and grow with a backlog.
        public var batchSize: Int = 10_000
        /// Told the positions after every committed batch (e.g. the archive's durability gate, when
        /// it runs in the same process, instead of polling `projection_positions`).
        public var onCommit: (@Sendable ([TopicPartition: Int64]) -> Void)?
        /// Told once the consumer group assigned the projection its partitions (part `projection <group>`).
        public var readiness: Readiness?

        public init(consumer: KafkaConsumerConfiguration) {
            self.consumer = consumer
        }
    }

    public let projection: P
    private let configuration: Configuration
    private let client: PostgresClient
    private let producer: KafkaProducer
    private let logger: Logger

    public init(projection: P, configuration: Configuration, client: PostgresClient, producer: KafkaProducer, logger: Logger) {
        self.projection = projection
        self.configuration = configuration
        self.client = client
        self.producer = producer
        self.logger = logger
        configuration.readiness?.expect(
            readinessPart, waitingFor: "its partitions of \(projection.topics.joined(separator: ", ")) from the consumer group")
    }

    private var readinessPart: String { "projection \(configuration.consumer.groupID)" }

    public func run() async throws {
        let positions = ProjectionPositions(projection: projection.name)
        let writer = ProjectionWriter(
            projection: projection, client: client, producer: producer, deadLetterTopic: configuration.deadLetterTopic, positions: positions,
            tables: .live, logger: logger)
        let consumer = try KafkaConsumer(
            configuration: configuration.consumer, topics: projection.topics,
            positions: { [client, logger] partitions in
                Self.resumePositions(partitions, positions: positions, client: client, logger: logger)
            }, logger: logger)
        defer { consumer.close() }
        logger.info("projection started", metadata: ["projection": "\(projection.name)", "topics": "\(projection.topics)"])
        var drain = StageDrain()
        let batches = consumer.batches(maxMessages: configuration.batchSize)
        @Sendable func poll() async throws -> [KafkaMessage]? {
            var iterator = batches.makeAsyncIterator()
            return try await iterator.next()
        }
        var next = try await poll()
        while let batch = next {
            if consumer.hasJoinedGroup { configuration.readiness?.ready(readinessPart) }
            if drain.shouldStop(batchIsEmpty: batch.isEmpty) { break }
            guard !batch.isEmpty else {
                next = try await poll()
                continue
            }
            // The next poll runs on the consumer's queue while this batch is written.
            async let following = poll()
            try await writer.apply(batch)
            let positions = batch.nextPositions
            configuration.onCommit?(positions)
            next = try await following
            // The group offset only feeds lag monitoring; the position that counts is in PostgreSQL.
            try? await consumer.commit(positions)
        }
        logger.info("projection stopped", metadata: ["projection": "\(projection.name)"])
    }

    /// Where to resume each newly assigned partition: the position stored with the rows.
    ///
    /// librdkafka asks from its rebalance callback, on the consumer's own thread (not the
    /// cooperative pool: a closing consumer, whose callbacks run on the closing thread, takes no
    /// partitions and never asks), and needs the answer before the callback returns: the partitions
    /// are assigned with these offsets or not at all. So this one place blocks that thread while a
    /// task reads PostgreSQL; nothing else waits for a task this way.
    static func resumePositions(_ partitions: [TopicPartition], positions: ProjectionPositions, client: PostgresClient, logger: Logger)
        -> [TopicPartition: Int64]
    {
        let loaded = StoredPositions()
        let done = DispatchSemaphore(value: 0)
        Task {
            defer { done.signal() }
            for attempt in 0..<60 {
                if let stored = try? await positions.load(partitions, client: client, logger: logger) {
                    loaded.value.withLock { $0 = stored }
                    return
                }
                if attempt == 0 { logger.warning("cannot read stored positions yet; retrying") }
                try? await Task.sleep(for: .milliseconds(500))
            }
        }
        done.wait()
        let found = loaded.value.withLock { $0 }
        if found == nil { logger.error("cannot read stored positions; reading the partitions from the start") }
        // A partition without a stored position is read from the start, never from a group offset:
        // the rows are the only record of what was applied, and effects are keyed by event id.
        let stored = found ?? [:]
        return Dictionary(uniqueKeysWithValues: partitions.map { ($0, stored[$0] ?? -2) })
    }
}

/// Positions a task read, for the rebalance callback waiting on them.
private final class StoredPositions: Sendable {
    let value = Mutex<[TopicPartition: Int64]?>(nil)
}

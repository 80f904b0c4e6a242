import Events
import Foundation
import Kafka
import Logging
import ServiceLifecycle

/// A processor stage: reads one topic in batches, turns each message into its output record or a dead
/// letter with the reason, and commits its input offsets only after every output of a batch is
/// acknowledged. What a message becomes is the stage's `process` function (the spatialiser's, the
/// entity checker's, the item locator's); the Kafka work is the same for all of them.
public final class ProcessorStage: Service {
    public struct Configuration: Sendable {
        public var consumer: KafkaConsumerConfiguration
        public var inputTopic: String
        /// The stage name dead letters carry, e.g. `processors.spatialiser`.
        public var stage: String
        public var deadLetterTopic: String = Topics.deadLetters
        /// The most records one batch takes; a poll returns what is already fetched, so batches grow
        /// with a backlog (an import) and stay small under a steady feed.
        public var batchSize: Int = 5_000
        /// Process a batch on every core (for costly steps such as geocoding), keeping input order.
        public var parallel = false
        /// Told once the consumer group assigned the stage its partitions (part `processor <stage>`).
        public var readiness: Readiness?
        /// Brings the definitions `process` reads (the sensor registry) up to date; asked once for a
        /// batch with failures that may come from a stale view (`ProcessingFailure.mayBeStale`),
        /// whose messages are then processed again.
        public var refresh: (@Sendable () async -> Void)?

        public init(consumer: KafkaConsumerConfiguration, inputTopic: String, stage: String) {
            self.consumer = consumer
            self.inputTopic = inputTopic
            self.stage = stage
        }
    }

    public typealias Process = @Sendable (KafkaMessage) -> Result<OutgoingRecord, ProcessingFailure>

    private let configuration: Configuration
    private let process: Process
    private let producer: KafkaProducer
    private let logger: Logger

    public init(configuration: Configuration, producer: KafkaProducer, logger: Logger, process: @escaping Process) {
        self.configuration = configuration
        self.process = process
        self.producer = producer
        self.logger = logger
        configuration.readiness?.expect(readinessPart, waitingFor: "its partitions of \(configuration.inputTopic) from the consumer group")
    }

    private var readinessPart: String { "processor \(configuration.stage)" }

    public func run() async throws {
        let consumer = try KafkaConsumer(configuration: configuration.consumer, topics: [configuration.inputTopic], logger: logger)
        defer { consumer.close() }
        logger.info("processor started", metadata: ["stage": "\(configuration.stage)", "input": "\(configuration.inputTopic)"])
        var drain = StageDrain()
        for try await batch in consumer.batches(maxMessages: configuration.batchSize) {
            if consumer.hasJoinedGroup { configuration.readiness?.ready(readinessPart) }
            if drain.shouldStop(batchIsEmpty: batch.isEmpty) { break }
            guard !batch.isEmpty else { continue }
            let (records, deadLetters) = try await outputs(of: batch.filter { !$0.isLogFiller })
            try await producer.sendAll(records)
            if try await !consumer.commitUnlessGroupMovedOn(batch.nextPositions) {
                // The group rebalanced (or evicted this member after a stall) while the batch was
                // processed: its outputs are acknowledged, and whoever holds the partitions now reads
                // on from the last committed offset, producing them again with the same event ids
                // (consumers apply each id once).
                logger.notice(
                    "offsets not committed: the consumer group moved on; the batch's new owner re-reads it",
                    metadata: ["stage": "\(configuration.stage)"])
            }
            if deadLetters > 0 { logger.info("dead letters written", metadata: ["stage": "\(configuration.stage)", "count": "\(deadLetters)"]) }
        }
        logger.info("processor stopped", metadata: ["stage": "\(configuration.stage)"])
    }

    /// The output records of a batch in input order (results and dead letters).
    func outputs(of batch: [KafkaMessage]) async throws -> (records: [OutgoingRecord], deadLetters: Int) {
        var results: [Result<OutgoingRecord, ProcessingFailure>]
        if configuration.parallel {
            results = await Self.processAll(batch, with: process)
        } else {
            results = batch.map(process)
        }
        if let refresh = configuration.refresh, results.contains(where: { if case .failure(let failure) = $0 { failure.mayBeStale } else { false } })
        {
            await refresh()
            for index in results.indices {
                if case .failure(let failure) = results[index], failure.mayBeStale { results[index] = process(batch[index]) }
            }
        }
        var records: [OutgoingRecord] = []
        records.reserveCapacity(batch.count)
        var deadLetters = 0
        for (message, result) in zip(batch, results) {
            switch result {
            case .success(let record):
                records.append(record)
            case .failure(let failure):
                deadLetters += 1
                logger.debug("sent to the dead-letter topic", metadata: ["reason": "\(failure.reason)", "offset": "\(message.offset)"])
                let letter = DeadLetter(failed: message, stage: configuration.stage, reason: failure.reason, eventID: failure.eventID)
                records.append(try letter.record(topic: configuration.deadLetterTopic))
            }
        }
        return (records, deadLetters)
    }

    /// Processes messages in chunks on every core (one child task per chunk); results in input order.
    static func processAll(_ messages: [KafkaMessage], with process: @escaping Process) async -> [Result<OutgoingRecord, ProcessingFailure>] {
        let chunk = max(16, messages.count / (ProcessInfo.processInfo.activeProcessorCount * 4) + 1)
        let chunks = (messages.count + chunk - 1) / chunk
        return await withTaskGroup(of: (Int, [Result<OutgoingRecord, ProcessingFailure>]).self) { group in
            for index in 0..<chunks {
                group.addTask {
                    let range = (index * chunk)..<min(messages.count, (index + 1) * chunk)
                    return (index, range.map { process(messages[$0]) })
                }
            }
            var slots = Array(repeating: [Result<OutgoingRecord, ProcessingFailure>](), count: chunks)
            for await (index, results) in group { slots[index] = results }
            return slots.flatMap { $0 }
        }
    }
}

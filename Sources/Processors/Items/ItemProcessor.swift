import Dispatch
import Events
import Foundation
import Kafka
import Logging
import ServiceLifecycle

/// The item processor stage: reads `raw.items`, writes `item.located` events to `spatial.items` or dead
/// letters with the reason, and commits its input offsets only after every output of a batch is
/// acknowledged. Geocoding is the costly part, so a batch is placed on every core.
public final class ItemProcessor: Service {
    public struct Configuration: Sendable {
        public var consumer: KafkaConsumerConfiguration
        public var inputTopic: String = Topics.rawItems
        public var deadLetterTopic: String = Topics.deadLetters
        public var batchSize: Int = 1_000

        public init(consumer: KafkaConsumerConfiguration) {
            self.consumer = consumer
        }
    }

    private let configuration: Configuration
    private let locator: ItemLocator
    private let producer: KafkaProducer
    private let logger: Logger

    public init(configuration: Configuration, locator: ItemLocator, producer: KafkaProducer, logger: Logger = Logger(label: "shikong.items")) {
        self.configuration = configuration
        self.locator = locator
        self.producer = producer
        self.logger = logger
    }

    public func run() async throws {
        let consumer = try KafkaConsumer(configuration: configuration.consumer, topics: [configuration.inputTopic], logger: logger)
        defer { consumer.close() }
        logger.info("item processor started", metadata: ["input": "\(configuration.inputTopic)", "group": "\(configuration.consumer.groupID)"])
        var drain = StageDrain()
        for try await batch in consumer.batches(maxMessages: configuration.batchSize) {
            if drain.shouldStop(batchIsEmpty: batch.isEmpty) { break }
            guard !batch.isEmpty else { continue }
            let (records, deadLetters) = try await process(batch.filter { !$0.isLogFiller })
            try await producer.sendAll(records)
            try await consumer.commit(batch.nextPositions)
            if deadLetters > 0 { logger.info("items sent to the dead-letter topic", metadata: ["count": "\(deadLetters)"]) }
        }
        logger.info("item processor stopped")
    }

    /// The output records of a batch in input order (located items and dead letters), placed on every core.
    func process(_ batch: [KafkaMessage]) async throws -> (records: [OutgoingRecord], deadLetters: Int) {
        let locator = locator
        let results = await withCheckedContinuation { (continuation: CheckedContinuation<[Result<OutgoingRecord, ItemLocator.Failure>], Never>) in
            DispatchQueue.global().async {
                continuation.resume(returning: Self.locateAll(batch, with: locator))
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
                logger.debug("item sent to the dead-letter topic", metadata: ["reason": "\(failure.reason)", "offset": "\(message.offset)"])
                let letter = DeadLetter(failed: message, stage: ItemLocator.stage, reason: failure.reason, eventID: failure.eventID)
                records.append(try letter.record(topic: configuration.deadLetterTopic))
            }
        }
        return (records, deadLetters)
    }

    /// Locates messages in chunks on every core; results in input order.
    public static func locateAll(_ messages: [KafkaMessage], with locator: ItemLocator) -> [Result<OutgoingRecord, ItemLocator.Failure>] {
        let chunk = max(16, messages.count / (ProcessInfo.processInfo.activeProcessorCount * 4) + 1)
        let chunks = (messages.count + chunk - 1) / chunk
        let slots = ResultSlots<Result<OutgoingRecord, ItemLocator.Failure>>(count: chunks)
        DispatchQueue.concurrentPerform(iterations: chunks) { index in
            let range = (index * chunk)..<min(messages.count, (index + 1) * chunk)
            slots.store(range.map { locator.locate(messages[$0]) }, at: index)
        }
        return slots.joined()
    }
}

/// Chunks of results written by workers, each into its own slot.
final class ResultSlots<Value: Sendable>: @unchecked Sendable {
    private var slots: [[Value]]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: [], count: count) }

    func store(_ values: [Value], at index: Int) {
        lock.withLock { slots[index] = values }
    }

    func joined() -> [Value] {
        lock.withLock { slots.flatMap { $0 } }
    }
}

import Events
import Foundation
import Kafka
import Logging
import ServiceLifecycle

/// The entity stage: reads `raw.entities`, writes checked and geocoded changes to `spatial.entities`
/// or dead letters, and commits its input only after every output of a batch is acknowledged.
public final class EntityProcessor: Service {
    public struct Configuration: Sendable {
        public var consumer: KafkaConsumerConfiguration
        public var inputTopic: String = Topics.rawEntities
        public var deadLetterTopic: String = Topics.deadLetters
        public var batchSize: Int = 1_000

        public init(consumer: KafkaConsumerConfiguration) {
            self.consumer = consumer
        }
    }

    private let configuration: Configuration
    private let checker: EntityChecker
    private let producer: KafkaProducer
    private let logger: Logger

    public init(configuration: Configuration, checker: EntityChecker, producer: KafkaProducer, logger: Logger = Logger(label: "shikong.entities")) {
        self.configuration = configuration
        self.checker = checker
        self.producer = producer
        self.logger = logger
    }

    public func run() async throws {
        let consumer = try KafkaConsumer(configuration: configuration.consumer, topics: [configuration.inputTopic], logger: logger)
        defer { consumer.close() }
        logger.info("entity processor started", metadata: ["input": "\(configuration.inputTopic)", "group": "\(configuration.consumer.groupID)"])
        var drain = StageDrain()
        for try await batch in consumer.batches(maxMessages: configuration.batchSize) {
            if drain.shouldStop(batchIsEmpty: batch.isEmpty) { break }
            guard !batch.isEmpty else { continue }
            var records: [OutgoingRecord] = []
            records.reserveCapacity(batch.count)
            for message in batch where !message.isLogFiller {
                switch checker.check(message) {
                case .success(let record):
                    records.append(record)
                case .failure(let failure):
                    records.append(
                        try DeadLetter(failed: message, stage: EntityChecker.stage, reason: failure.reason, eventID: failure.eventID)
                            .record(topic: configuration.deadLetterTopic))
                }
            }
            try await producer.sendAll(records)
            try await consumer.commit(batch.nextPositions)
        }
        logger.info("entity processor stopped")
    }
}

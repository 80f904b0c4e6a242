import Events
import Foundation
import Kafka
import Logging
import ServiceLifecycle

/// The spatialiser stage: reads raw readings, writes spatialised events or dead letters, and commits
/// its input offsets only after every output of a batch is acknowledged by the broker.
public final class Spatialiser: Service {
    public struct Configuration: Sendable {
        public var consumer: KafkaConsumerConfiguration
        public var inputTopic: String = Topics.rawSensorReadings
        public var deadLetterTopic: String = Topics.deadLetters
        public var batchSize: Int = 1_000

        public init(consumer: KafkaConsumerConfiguration) {
            self.consumer = consumer
        }
    }

    private let configuration: Configuration
    private let spatialiser: ReadingSpatialiser
    private let producer: KafkaProducer
    private let logger: Logger

    public init(
        configuration: Configuration, spatialiser: ReadingSpatialiser, producer: KafkaProducer, logger: Logger = Logger(label: "shikong.spatialiser")
    ) {
        self.configuration = configuration
        self.spatialiser = spatialiser
        self.producer = producer
        self.logger = logger
    }

    public func run() async throws {
        let consumer = try KafkaConsumer(configuration: configuration.consumer, topics: [configuration.inputTopic], logger: logger)
        defer { consumer.close() }
        logger.info("spatialiser started", metadata: ["input": "\(configuration.inputTopic)", "group": "\(configuration.consumer.groupID)"])
        var drain = StageDrain()
        for try await batch in consumer.batches(maxMessages: configuration.batchSize) {
            if drain.shouldStop(batchIsEmpty: batch.isEmpty) { break }
            guard !batch.isEmpty else { continue }
            var records: [OutgoingRecord] = []
            records.reserveCapacity(batch.count)
            var deadLetters = 0
            for message in batch where !message.isLogFiller {
                switch spatialiser.spatialise(message) {
                case .success(let record):
                    records.append(record)
                case .failure(let failure):
                    deadLetters += 1
                    logger.debug("reading sent to the dead-letter topic", metadata: ["reason": "\(failure.reason)", "offset": "\(message.offset)"])
                    let letter = DeadLetter(failed: message, stage: ReadingSpatialiser.stage, reason: failure.reason, eventID: failure.eventID)
                    records.append(try letter.record(topic: configuration.deadLetterTopic))
                }
            }
            try await producer.sendAll(records)
            try await consumer.commit(batch.nextPositions)
            if deadLetters > 0 { logger.info("dead letters written", metadata: ["count": "\(deadLetters)"]) }
        }
        logger.info("spatialiser stopped")
    }
}

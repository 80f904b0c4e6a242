import Events
import Foundation
import Kafka
import Logging
import MQTT
import ServiceLifecycle
import Synchronization

/// The MQTT bridge: every QoS 1 message on a feed becomes an immutable `sensor.reading` event on the
/// raw topic, its payload byte for byte. The MQTT message is acknowledged only once Kafka
/// acknowledged the event (idempotent producer, `acks=all`) and, when a `DurabilityGate` is given,
/// once the gate says the event is durable (the local broker keeps its log in memory, so there the
/// gate waits for the event archive); until then the MQTT broker keeps it.
///
/// The event id is derived from the message (its declared observation time and a hash of topic and
/// payload), so a message the MQTT broker redelivers after a crash gets the same id as before and
/// every projection applies it once.
public final class MQTTBridge: Service {
    public struct Configuration: Sendable {
        public var connection: MQTTConnection
        public var feeds: [MQTTFeed]
        public var topic: String = Topics.rawSensorReadings

        public init(connection: MQTTConnection, feeds: [MQTTFeed]) {
            self.connection = connection
            self.feeds = feeds
        }
    }

    private let configuration: Configuration
    private let producer: KafkaProducer
    private let gate: (any DurabilityGate)?
    private let logger: Logger
    private let counters = Mutex<(received: Int, appended: Int, failed: Int)>((0, 0, 0))

    public init(
        configuration: Configuration, producer: KafkaProducer, gate: (any DurabilityGate)? = nil,
        logger: Logger = Logger(label: "shikong.mqtt-bridge")
    ) {
        self.configuration = configuration
        self.producer = producer
        self.gate = gate
        self.logger = logger
    }

    /// Messages received, appended to Kafka, and failed (to be redelivered) so far.
    public var counts: (received: Int, appended: Int, failed: Int) { counters.withLock { $0 } }

    public func run() async throws {
        let subscriber = MQTTSubscriber(
            configuration: .init(connection: configuration.connection, topicFilters: configuration.feeds.map(\.topicFilter)), logger: logger)
        logger.info(
            "MQTT bridge started",
            metadata: ["broker": "\(configuration.connection.url)", "feeds": "\(configuration.feeds)", "topic": "\(configuration.topic)"])
        try await cancelWhenGracefulShutdown {
            try await subscriber.run { [self] message, confirm in
                counters.withLock { $0.received += 1 }
                producer.send(record(for: message)) { [self] result in
                    switch result {
                    case .success(let delivery):
                        counters.withLock { $0.appended += 1 }
                        if let gate {
                            gate.whenDurable(delivery) { durable in confirm(durable) }
                        } else {
                            confirm(true)
                        }
                    case .failure(let error):
                        counters.withLock { $0.failed += 1 }
                        logger.error("event not appended; the MQTT message will be redelivered", metadata: ["error": "\(error)"])
                        confirm(false)
                    }
                }
            }
        }
        logger.info("MQTT bridge stopped", metadata: ["received": "\(counts.received)", "appended": "\(counts.appended)"])
    }

    /// The raw event for an MQTT message: envelope in headers, payload untouched.
    func record(for message: MQTTMessage) -> OutgoingRecord {
        let now = Date()
        let observed = ReadingTime.declared(in: message.payload)
        let feed = configuration.feeds.first { MQTTTopicFilter.matches($0.topicFilter, topic: message.topic) }
        let levels = feed.map { MQTTTopicFilter.wildcardLevels($0.topicFilter, topic: message.topic) } ?? []
        let metadata = EventMetadata(
            id: EventIDGenerator.contentID(at: observed ?? now, content: Array(message.topic.utf8) + [0] + message.payload),
            type: "sensor.reading",
            subject: "sensor:\(levels.isEmpty ? message.topic : levels.joined(separator: "/"))",
            source: "\(configuration.connection.url)/\(message.topic)", occurredAt: observed ?? now, recordedAt: now,
            schema: "shikong/sensor.reading.raw/1", contentType: "application/json",
            extensions: ["crs": feed?.crs ?? "EPSG:4326", "mqtttopic": message.topic])
        return metadata.record(topic: configuration.topic, value: Data(message.payload))
    }
}

import Events
import Foundation
import Kafka
import Logging
import MQTT
import Processors
import ServiceLifecycle

/// Delivers alert events to where their rules say: webhooks (HTTP POST of the event's JSON, signed,
/// tried again with backoff, a dead letter after the last try) and MQTT topics (QoS 1). Reads the
/// `alerts` topic as a consumer group and commits a batch once every delivery of it succeeded or was
/// dead-lettered, so a restart delivers again what was not confirmed: receivers dedupe by the
/// `X-Shikong-Event-Id` header (the event id).
public final class AlertDeliveryStage: Service {
    public struct Configuration: Sendable {
        public var consumer: KafkaConsumerConfiguration
        public var topic = Topics.alerts
        public var deadLetterTopic = Topics.deadLetters
        public var retry = RetryPolicy()
        /// The broker MQTT actions publish to.
        public var mqtt: MQTTConnection?

        public init(consumer: KafkaConsumerConfiguration) {
            self.consumer = consumer
        }
    }

    public static let stage = "delivery.alerts"

    private let configuration: Configuration
    private let rules: DefinitionFollower<AlertRule>
    private let client: any WebhookClient
    private let producer: KafkaProducer
    private let logger: Logger

    public init(
        configuration: Configuration, rules: DefinitionFollower<AlertRule>, client: any WebhookClient, producer: KafkaProducer, logger: Logger
    ) {
        self.configuration = configuration
        self.rules = rules
        self.client = client
        self.producer = producer
        self.logger = logger
    }

    public func run() async throws {
        await rules.waitUntilLoaded()
        let consumer = try KafkaConsumer(configuration: configuration.consumer, topics: [configuration.topic], logger: logger)
        defer { consumer.close() }
        var publisher: MQTTPublisher?
        defer { publisher?.close() }
        var drain = StageDrain()
        for try await batch in consumer.batches(maxMessages: 500) {
            if drain.shouldStop(batchIsEmpty: batch.isEmpty) { break }
            guard !batch.isEmpty else { continue }
            let current = rules.current
            var deliveries: [(message: KafkaMessage, index: Int, webhook: AlertRule.Action.Webhook)] = []
            var messages: [MQTTMessage] = []
            for message in batch where message.header("ce_type").map(AlertEvent.types.contains) == true {
                guard let ruleID = message.header("ce_rule"), let rule = current[ruleID]?.definition else { continue }
                for (index, action) in rule.actions.enumerated() {
                    if let webhook = action.webhook { deliveries.append((message, index, webhook)) }
                    if let mqtt = action.mqtt { messages.append(MQTTMessage(topic: mqtt.topic, payload: Array(message.value), qos: 1)) }
                }
            }
            if !messages.isEmpty, let connection = configuration.mqtt {
                if publisher == nil { publisher = try MQTTPublisher(connection: connection) }
                if let publisher { try await Self.publish(messages, with: publisher) }
            }
            let failures = await withTaskGroup(of: OutgoingRecord?.self) { group in
                for delivery in deliveries {
                    group.addTask { await self.deliver(delivery.message, to: delivery.webhook, action: delivery.index) }
                }
                var records: [OutgoingRecord] = []
                for await record in group { if let record { records.append(record) } }
                return records
            }
            if !failures.isEmpty { try await producer.sendAll(failures) }
            if try await !consumer.commitUnlessGroupMovedOn(batch.nextPositions) {
                // The group moved on while the batch was delivered: its new owner delivers it again
                // (receivers dedupe by the alert's id).
                logger.notice("offsets not committed: the consumer group moved on")
            }
        }
    }

    /// Posts the alert until it is accepted (2xx) or the tries run out; returns the dead letter then.
    func deliver(_ message: KafkaMessage, to webhook: AlertRule.Action.Webhook, action index: Int) async -> OutgoingRecord? {
        let body = Array(message.value)
        var headers = [("Content-Type", "application/json"), ("User-Agent", "shikong-alerts")]
        if let id = message.header("ce_id") { headers.append((WebhookSignature.eventHeader, id)) }
        if let type = message.header("ce_type") { headers.append((WebhookSignature.typeHeader, type)) }
        var last = ""
        let retry = configuration.retry
        for attempt in 1...retry.attempts {
            let wait = retry.delay(before: attempt)
            if wait > .zero { try? await Task.sleep(for: wait) }
            let timestamp = Int64(Date().timeIntervalSince1970)
            var signed = headers + [(WebhookSignature.timestampHeader, String(timestamp))]
            if let secret = webhook.secret {
                signed.append((WebhookSignature.signatureHeader, WebhookSignature.sign(body: body, timestamp: timestamp, secret: secret)))
            }
            do {
                let status = try await client.post(url: webhook.url, headers: signed, body: body, timeout: retry.timeout)
                if (200..<300).contains(status) {
                    logger.debug("alert delivered", metadata: ["url": "\(webhook.url)", "attempt": "\(attempt)"])
                    return nil
                }
                last = "answered HTTP \(status)"
            } catch {
                last = "failed: \(error)"
            }
            logger.info("webhook delivery failed", metadata: ["url": "\(webhook.url)", "attempt": "\(attempt)", "error": "\(last)"])
        }
        let reason = "webhook \(webhook.url) \(last) on the last of \(retry.attempts) attempts"
        logger.warning("alert not delivered; sent to the dead-letter topic", metadata: ["reason": "\(reason)"])
        return try? DeadLetter(
            failed: message, stage: "\(Self.stage)/\(message.header("ce_rule") ?? "")/\(index)", reason: reason,
            eventID: message.header("ce_id").flatMap(UUID.init(canonical:))
        ).record(topic: configuration.deadLetterTopic)
    }

    /// Publishes and waits (off the cooperative pool) for the broker's acknowledgements.
    static func publish(_ messages: [MQTTMessage], with publisher: MQTTPublisher) async throws {
        try await publisher.publishAll(messages)
        let acknowledged = await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: publisher.waitUntilAcknowledged(timeout: .seconds(30))) }
        }
        if !acknowledged { throw MQTTError("the MQTT broker did not acknowledge alert messages within 30 s") }
    }
}

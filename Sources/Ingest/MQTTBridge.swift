import Events
import Foundation
import Kafka
import Logging
import MQTT
import ServiceLifecycle
import Synchronization

/// The MQTT bridge: every QoS 1 message on a feed becomes an immutable `sensor.reading` event on the
/// raw topic, its payload byte for byte, with the feed's task, CRS and reading context
/// (`FeedContext`) in its headers. Feeds are `mqtt-feed` tasks: their runners (`MQTTFeedRunner`)
/// activate and deactivate them here while the bridge runs, and the bridge subscribes and
/// unsubscribes on its live session. The MQTT message is acknowledged only once Kafka
/// acknowledged the event (idempotent producer, `acks=all`) and, when a `DurabilityGate` is given,
/// once the gate says the event is durable (the local broker keeps its log in memory, so there the
/// gate waits for the event archive); until then the MQTT broker keeps it.
///
/// The event id is derived from the message (its declared observation time and a hash of topic and
/// payload), so a message the MQTT broker redelivers after a crash gets the same id as before and
/// every projection applies it once.
///
/// A message that can never be appended — larger than `maximumPayloadBytes`, or refused by the
/// broker (too large for the topic, malformed) — is a dead letter (stage `ingest.mqtt`) with the
/// reason; its original bytes are kept in the database (`DeadLetterPayloadStore`), since the
/// dead-letter topic could not hold them either, and it is acknowledged once the dead letter is
/// appended. Asking the broker to redeliver it would only block every message behind it.
public final class MQTTBridge: Service {
    /// The stage name of the bridge's dead letters.
    public static let stage = "ingest.mqtt"

    public struct Configuration: Sendable {
        public var connection: MQTTConnection
        public var topic: String = Topics.rawSensorReadings
        public var deadLetterTopic: String = Topics.deadLetters
        /// Largest payload appended as a reading (`--max-payload-bytes`); larger ones are dead letters.
        public var maximumPayloadBytes = 256 * 1_024
        /// Told when the broker acknowledged the bridge's subscriptions (part `mqtt-bridge`).
        public var readiness: Readiness?
        /// Holds messages no feed knows until `feedsKnown()`: set where a task runtime activates the feeds.
        public var holdUntilFeedsKnown = false

        public init(connection: MQTTConnection) {
            self.connection = connection
        }
    }

    private let configuration: Configuration
    private let producer: KafkaProducer
    private let gate: (any DurabilityGate)?
    private let payloads: any DeadLetterPayloadStore
    private let logger: Logger
    private let counters = Mutex<(received: Int, appended: Int, failed: Int, deadLetters: Int)>((0, 0, 0, 0))
    static let readinessPart = "mqtt-bridge"
    let feeds = FeedTable()
    /// Messages no feed knows, held until `feedsKnown` (when `holdUntilFeedsKnown`).
    private let holding: Mutex<(open: Bool, held: [(MQTTMessage, @Sendable (Bool) -> Void)])>
    private let subscriber: MQTTSubscriber

    public init(
        configuration: Configuration, producer: KafkaProducer, payloads: any DeadLetterPayloadStore, gate: (any DurabilityGate)? = nil,
        logger: Logger = Logger(label: "shikong.mqtt-bridge")
    ) {
        self.configuration = configuration
        self.producer = producer
        self.payloads = payloads
        self.gate = gate
        self.logger = logger
        holding = Mutex((!configuration.holdUntilFeedsKnown, []))
        configuration.readiness?.expect(Self.readinessPart, waitingFor: "the MQTT broker's acknowledgement of the feed subscriptions")
        var subscription = MQTTSubscriber.Configuration(connection: configuration.connection, topicFilters: [])
        subscription.subscriptionChanged = { [readiness = configuration.readiness] subscribed in
            if subscribed {
                readiness?.ready(Self.readinessPart)
            } else {
                readiness?.notReady(Self.readinessPart, waitingFor: "a connection to the MQTT broker with the feed subscriptions acknowledged")
            }
        }
        subscriber = MQTTSubscriber(configuration: subscription, logger: logger)
    }

    /// Starts taking the feed's messages: subscribes to its filter on the live session (unless
    /// another active feed has it) and calls `acknowledged` once the broker granted it.
    public func activate(
        taskID: String, definition: MQTTFeedDefinition, monitor: TaskMonitor?, acknowledged: @escaping @Sendable () -> Void
    ) {
        _ = feeds.activate(taskID, definition: definition, monitor: monitor)
        subscriber.subscribe(definition.topicFilter, acknowledged: acknowledged)
        logger.info("feed active", metadata: ["task": "\(taskID)", "filter": "\(definition.topicFilter)"])
        // Held messages of this feed go on now, not when every feed is known: the subscriber
        // writes nothing (not even this feed's SUBSCRIBE, whose acknowledgement makes the feed
        // ready) until the messages it has handed over are confirmed.
        releaseHeld(why: "messages held for feed \(taskID) go on") { [feeds] message in feeds.feed(for: message.topic) != nil }
    }

    /// Stops taking the feed's new messages: unsubscribes its filter unless another active feed
    /// has it, and calls `unsubscribed` once the broker confirmed that (at once when the filter stays).
    /// Messages the broker already sent or queued for the session still arrive and are appended as
    /// the feed's (see `FeedTable`).
    public func deactivate(taskID: String, unsubscribed: @escaping @Sendable () -> Void = {}) {
        if let filter = feeds.deactivate(taskID) {
            subscriber.unsubscribe(filter, acknowledged: unsubscribed)
        } else {
            unsubscribed()
        }
        logger.info("feed inactive", metadata: ["task": "\(taskID)"])
    }

    /// When each sensor of a feed last spoke (from this bridge, and `seedSensors`).
    public func lastSeen(ofFeed taskID: String) -> [String: Date] { feeds.lastSeen(of: taskID) }

    /// What was known of a feed's sensors before this process started (the read model).
    public func seedSensors(_ sensors: [String: Date], ofFeed taskID: String) { feeds.seed(sensors, of: taskID) }

    /// Messages received, appended to Kafka, failed (to be redelivered) and made dead letters so far.
    public var counts: (received: Int, appended: Int, failed: Int, deadLetters: Int) { counters.withLock { $0 } }

    public func run() async throws {
        logger.info("MQTT bridge started", metadata: ["broker": "\(configuration.connection.url)", "topic": "\(configuration.topic)"])
        try await cancelWhenGracefulShutdown {
            try await self.subscriber.run { [self] message, confirm in
                counters.withLock { $0.received += 1 }
                take(message, confirm: confirm)
            }
        }
        logger.info("MQTT bridge stopped", metadata: ["received": "\(counts.received)", "appended": "\(counts.appended)"])
    }

    /// Tells the bridge every active feed is known (the task runtime read the tasks topic and
    /// activated them): messages held until then go their way.
    public func feedsKnown() {
        releaseHeld(why: "messages held until the feeds were known go on", opening: true) { _ in true }
    }

    /// Takes the held messages `selected` picks (all of them, and holds no more, when `opening`).
    private func releaseHeld(why: Logger.Message, opening: Bool = false, _ selected: (MQTTMessage) -> Bool) {
        let released = holding.withLock { state -> [(MQTTMessage, @Sendable (Bool) -> Void)] in
            guard !state.open else { return [] }
            state.open = opening
            var released: [(MQTTMessage, @Sendable (Bool) -> Void)] = []
            state.held.removeAll { entry in
                guard selected(entry.0) else { return false }
                released.append(entry)
                return true
            }
            return released
        }
        if !released.isEmpty { logger.info(why, metadata: ["count": "\(released.count)"]) }
        for (message, confirm) in released { take(message, confirm: confirm) }
    }

    /// Appends one message, as its feed's; a message no feed knows is held while the feeds are not
    /// known yet (a persistent session delivers what it queued before the task runtime activated them).
    private func take(_ message: MQTTMessage, confirm: @escaping @Sendable (Bool) -> Void) {
        var found = feeds.feed(for: message.topic)
        // Looked up again under the lock: a feed activated meanwhile releases what is held here.
        if found == nil,
            holding.withLock({ state in
                guard !state.open else { return false }
                found = feeds.feed(for: message.topic)
                guard found == nil else { return false }
                state.held.append((message, confirm))
                return true
            })
        {
            return
        }
        let feed = found
        let record = record(for: message, feed: feed)
        if let feed {
            feed.monitor?.recordMessage(bytes: message.payload.count)
            let seen = record.timestampMilliseconds.map { Date(timeIntervalSince1970: Double($0) / 1_000) } ?? Date()
            feeds.noteSensor(Self.sensor(of: record), of: feed.taskID, at: seen)
        }
        guard message.payload.count <= configuration.maximumPayloadBytes else {
            let reason =
                "the payload is \(message.payload.count) bytes, more than the MQTT bridge's limit of \(configuration.maximumPayloadBytes) bytes (--max-payload-bytes)"
            deadLetter(record, reason: reason, feed: feed, confirm: confirm)
            return
        }
        producer.send(record) { [self] result in
            switch result {
            case .success(let delivery):
                counters.withLock { $0.appended += 1 }
                if let gate {
                    gate.whenDurable(delivery) { durable in confirm(durable) }
                } else {
                    confirm(true)
                }
            case .failure(let error) where error.isRecordRefused:
                deadLetter(record, reason: "the event broker refused the reading: \(error.message)", feed: feed, confirm: confirm)
            case .failure(let error):
                counters.withLock { $0.failed += 1 }
                feed?.monitor?.recordError("not appended, to be redelivered: \(error.message)")
                logger.error("event not appended; the MQTT message will be redelivered", metadata: ["error": "\(error)"])
                confirm(false)
            }
        }
    }

    /// Makes a record that cannot be appended a dead letter: its bytes go to the payload store, the
    /// dead letter (without them) to the dead-letter topic, and the MQTT message is acknowledged once
    /// that is durable. If any step fails the message is redelivered and the same dead letter (same
    /// id) is made again.
    private func deadLetter(_ record: OutgoingRecord, reason: String, feed: FeedTable.Feed?, confirm: @escaping @Sendable (Bool) -> Void) {
        feed?.monitor?.recordError(reason)
        let letter = DeadLetter(unappended: record, stage: Self.stage, reason: reason, keptElsewhere: true)
        Task { [self] in
            do {
                try await payloads.keep(record.value, deadLetter: letter.id)
                let delivery = try await producer.send(try letter.record(topic: configuration.deadLetterTopic))
                counters.withLock { $0.deadLetters += 1 }
                logger.warning(
                    "MQTT message is a dead letter",
                    metadata: ["reason": "\(reason)", "dead letter": "\(letter.id)", "subject": "\(letter.headers["ce_subject"] ?? "")"])
                if let gate {
                    gate.whenDurable(delivery) { durable in confirm(durable) }
                } else {
                    confirm(true)
                }
            } catch {
                counters.withLock { $0.failed += 1 }
                logger.error("dead letter not written; the MQTT message will be redelivered", metadata: ["error": "\(error)"])
                confirm(false)
            }
        }
    }

    /// The sensor a raw record is about (its subject without `sensor:`).
    static func sensor(of record: OutgoingRecord) -> String {
        let subject = record.key.map { String(decoding: $0, as: UTF8.self) } ?? ""
        return subject.hasPrefix("sensor:") ? String(subject.dropFirst("sensor:".count)) : subject
    }

    /// The raw event for an MQTT message: envelope in headers, payload untouched.
    func record(for message: MQTTMessage, feed: FeedTable.Feed?) -> OutgoingRecord {
        let now = Date()
        // The declared time makes the id the same on every redelivery; past 16 MiB (a dead letter
        // anyway) reading it is not worth the parse.
        let observed = message.payload.count <= 16 * 1_048_576 ? ReadingTime.declared(in: message.payload) : nil
        let levels = feed.map { MQTTTopicFilter.wildcardLevels($0.definition.topicFilter, topic: message.topic) } ?? []
        var metadata = EventMetadata(
            id: EventIDGenerator.contentID(at: observed ?? now, content: Array(message.topic.utf8) + [0] + message.payload),
            type: "sensor.reading",
            subject: "sensor:\(levels.isEmpty ? message.topic : levels.joined(separator: "/"))",
            source: "\(configuration.connection.url)/\(message.topic)", occurredAt: observed ?? now, recordedAt: now,
            schema: "shikong/sensor.reading.raw/1", contentType: "application/json",
            extensions: ["crs": feed?.definition.crs ?? "EPSG:4326", "mqtttopic": message.topic])
        if let feed {
            metadata.extensions["task"] = feed.taskID
            metadata.extensions["feed"] = feed.header
        }
        return metadata.record(topic: configuration.topic, value: Data(message.payload))
    }
}

import Events
import Foundation
import JSON
import Kafka
import Logging
import ReadModel
import ServiceLifecycle
import Synchronization

/// The live tail of a process: one Kafka consumer over the topics of every live collection kind,
/// fanning each event out to the subscribers of every collection it changes. Subscribers are
/// indexed by their box per collection (``SubscriberIndex``), so an event costs a filter
/// evaluation only for subscribers whose box can contain it.
///
/// It reads explicit partitions (no consumer group, nothing committed), starting where the archive
/// has reached, so that every offset is either in the archive or still to come here: a subscription
/// that starts in the past replays the archive up to the hub's positions, then takes the live tail.
/// Events are dispatched under one lock, so the positions a new subscriber is given are exactly
/// the first ones its buffer will receive.
public final class LiveHub: Service, Sendable {
    public struct Configuration: Sendable {
        public var kafka: KafkaClientConfiguration
        /// `group.id` the consumer identifies with (it joins no group).
        public var groupID: String
        /// The live topics and their partition counts.
        public var partitions: [String: Int]
        /// What a subscriber may hold before it overflows.
        public var bufferBytes = 1 << 20
        /// How often an idle connection gets a heartbeat.
        public var heartbeat: Duration = .seconds(15)

        public init(kafka: KafkaClientConfiguration, groupID: String, partitions: [String: Int]) {
            self.kafka = kafka
            self.groupID = groupID
            self.partitions = partitions
        }
    }

    public let configuration: Configuration
    public let archive: LiveArchive
    public let access: any LiveAccess
    let logger: Logger
    private let state = Mutex(HubState())
    private let started = Mutex<[CheckedContinuation<Void, Never>]?>([])

    private struct HubState {
        /// Next offset to dispatch per partition; nil until the consumer started.
        var positions: [TopicPartition: Int64]?
        var groups: [String: CollectionGroup] = [:]
        var subscribers: [UInt64: Subscriber] = [:]
        var nextID: UInt64 = 1
        var recent = RecentEventIDs()
        var stopped = false
    }

    /// The subscribers of one collection.
    private struct CollectionGroup {
        var collection: ServedCollection
        var source: any LiveSource
        var index = SubscriberIndex()
    }

    public init(configuration: Configuration, archive: LiveArchive, access: any LiveAccess = OpenLiveAccess(), logger: Logger) {
        self.configuration = configuration
        self.archive = archive
        self.access = access
        self.logger = logger
    }

    /// The topics every registered live source follows, with their partitions.
    public static func partitions(_ sources: SourceRegistry, catalogue: TopicCatalogue?) -> [String: Int] {
        var partitions: [String: Int] = [:]
        for case let source as any LiveSource in sources.all {
            for topic in source.liveTopics { partitions[topic] = catalogue?.definition(topic)?.partitions ?? 1 }
        }
        return partitions
    }

    // MARK: Running

    public func run() async throws {
        let start = try await startPositions()
        // Subscribers watch this tail: it fetches with the short wait.
        var consumerConfiguration = KafkaConsumerConfiguration(client: configuration.kafka, groupID: configuration.groupID).interactive()
        consumerConfiguration.autoOffsetReset = "earliest"
        let consumer = try KafkaConsumer(configuration: consumerConfiguration, subscription: .partitions(start), logger: logger)
        defer { consumer.close() }
        state.withLock { $0.positions = start }
        started.withLock { waiting in
            for continuation in waiting ?? [] { continuation.resume() }
            waiting = nil
        }
        logger.info("live tail started", metadata: ["positions": "\(LiveCursor(start))"])
        try await withTaskCancellationOrGracefulShutdownHandler {
            try await cancelWhenGracefulShutdown {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { await self.heartbeats() }
                    group.addTask {
                        while !Task.isCancelled {
                            let batch = try await consumer.poll(maxMessages: 1_000, timeout: .milliseconds(100))
                            if !batch.isEmpty { self.dispatch(batch) }
                        }
                    }
                    try await group.next()
                    group.cancelAll()
                }
            }
        } onCancelOrGracefulShutdown: {
            self.stop()
        }
    }

    /// Where the archive has reached in every partition (0 where it has nothing).
    private func startPositions() async throws -> [TopicPartition: Int64] {
        var attempt = 0
        while true {
            do {
                let archived = try await archive.archived()
                var start: [TopicPartition: Int64] = [:]
                for (topic, count) in configuration.partitions {
                    for partition in 0..<count {
                        let key = TopicPartition(topic: topic, partition: Int32(partition))
                        start[key] = archived[key] ?? 0
                    }
                }
                return start
            } catch {
                attempt += 1
                guard attempt < 60 else { throw error }
                try await Task.sleep(for: .milliseconds(500))
            }
        }
    }

    private func heartbeats() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: configuration.heartbeat)
            for subscriber in state.withLock({ Array($0.subscribers.values) }) { subscriber.heartbeat() }
        }
    }

    /// Ends every subscription: the connections send nothing more and finish.
    private func stop() {
        let subscribers = state.withLock { state in
            state.stopped = true
            return Array(state.subscribers.values)
        }
        for subscriber in subscribers { subscriber.close() }
    }

    /// Offers each event of a batch, in log order, to the subscribers of every collection it changes.
    func dispatch(_ messages: [KafkaMessage]) {
        state.withLock { state in
            for message in messages {
                let partition = message.topicPartition
                state.positions?[partition] = message.offset + 1
                // Events of a topic no subscriber follows are not even parsed.
                guard !message.isLogFiller, state.groups.values.contains(where: { $0.source.liveTopics.contains(message.topic) }),
                    let event = LiveEvent(message),
                    state.recent.insert(topic: event.topic, id: event.id)
                else { continue }
                for group in state.groups.values where group.source.liveTopics.contains(event.topic) {
                    guard let feature = group.source.liveFeature(event, in: group.collection) else { continue }
                    var rendered: String?
                    for id in group.index.candidates(feature.bounds.map { BoxBounds(west: $0.west, south: $0.south, east: $0.east, north: $0.north) })
                    {
                        state.subscribers[id]?.offer(event, feature) { selection in
                            guard selection == nil else { return LiveMessageBody.render(event, feature, selection: selection) }
                            if let rendered { return rendered }
                            let body = LiveMessageBody.render(event, feature, selection: nil)
                            rendered = body
                            return body
                        }
                    }
                }
            }
        }
    }

    // MARK: Subscribers

    /// Adds a subscriber, buffering from the returned positions on (waits for the tail to start). The
    /// caller has had ``LiveAccess/admit(_:)`` accept the subscription.
    func register(_ subscription: LiveSubscription) async throws -> (Subscriber, LiveCursor) {
        await waitUntilStarted()
        return try state.withLock { state throws(LiveError) in
            guard !state.stopped, let positions = state.positions else { throw LiveError("the live tail is stopping") }
            let subscriber = Subscriber(id: state.nextID, subscription: subscription, access: access, capacityBytes: configuration.bufferBytes)
            state.nextID += 1
            state.subscribers[subscriber.id] = subscriber
            let key = subscription.collection.id
            var group = state.groups[key] ?? CollectionGroup(collection: subscription.collection, source: subscription.source)
            group.index.insert(subscriber.id, box: subscription.box)
            state.groups[key] = group
            return (subscriber, Self.cursor(positions, topics: subscription.source.liveTopics))
        }
    }

    func unregister(_ subscriber: Subscriber) {
        state.withLock { state in
            state.subscribers[subscriber.id] = nil
            let key = subscriber.subscription.collection.id
            state.groups[key]?.index.remove(subscriber.id)
            if state.groups[key]?.index.isEmpty == true { state.groups[key] = nil }
        }
    }

    /// Empties a subscriber's buffer and gives the positions it buffers from now.
    func rebuffer(_ subscriber: Subscriber) -> LiveCursor {
        state.withLock { state in
            subscriber.restartBuffering()
            return Self.cursor(state.positions ?? [:], topics: subscriber.subscription.source.liveTopics)
        }
    }

    /// The hub's positions in `topics`.
    func positions(_ topics: [String]) -> LiveCursor {
        state.withLock { Self.cursor($0.positions ?? [:], topics: topics) }
    }

    /// Subscribers connected now.
    public var subscriberCount: Int { state.withLock { $0.subscribers.count } }

    private static func cursor(_ positions: [TopicPartition: Int64], topics: [String]) -> LiveCursor {
        LiveCursor(positions.filter { topics.contains($0.key.topic) })
    }

    private func waitUntilStarted() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = started.withLock { waiting -> Bool in
                guard waiting != nil else { return true }
                waiting?.append(continuation)
                return false
            }
            if ready { continuation.resume() }
        }
    }
}

/// Why a subscription could not go on.
public struct LiveError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension LiveEvent {
    /// An event of the live tail: its envelope from the `ce_*` headers, its value parsed.
    init?(_ message: KafkaMessage) {
        guard let id = message.header("ce_id").flatMap(UUID.init(canonical:)) else { return nil }
        let recorded =
            message.header("ce_recordedat").flatMap(Timestamp.parse)
            ?? message.timestampMilliseconds.map { Date(timeIntervalSince1970: Double($0) / 1_000) } ?? Date()
        let bytes = [UInt8](message.value)
        self.init(
            topic: message.topic, partition: message.partition, offset: message.offset, id: id, type: message.header("ce_type") ?? "",
            subject: message.header("ce_subject") ?? "", recordedAt: recorded,
            value: bytes.first == UInt8(ascii: "{") ? try? JSONParser.parse(bytes: bytes) : nil)
    }
}

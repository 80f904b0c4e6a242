import Events
import Foundation
import JSON
import Kafka
import Logging
import ServiceLifecycle
import SpatialIndex
import Synchronization

/// The alerting processor: follows the alert rules, the drawn geofences and the fence collections'
/// polygons, reads spatialised events and aggregate windows, and produces alert events.
///
/// Exactly once without broker transactions: alert events have deterministic ids (rule, subject,
/// fence, triggering event), and every few seconds, once its outputs are acknowledged, it writes a
/// checkpoint with its whole state (``AlertState``) and where it has read to. After a crash it
/// restores the state and re-reads from there: the events it repeats have the ids they had, and
/// every consumer applies them once. One instance reads all partitions.
public final class AlertStage: Service {
    public struct Configuration: Sendable {
        public var kafka: KafkaClientConfiguration
        /// Names the checkpoints, e.g. `shikong.alerts`.
        public var group: String
        public var readingTopics = [Topics.spatialEvents]
        public var aggregateTopics = [Topics.aggregatesOfReadings]
        public var deadLetterTopic = Topics.deadLetters
        public var outputTopic = Topics.alerts
        public var batchSize = 5_000
        public var checkpointInterval: Duration = .seconds(5)
        public var readinessTimeout: Duration = .seconds(60)
        /// Told when the stage reads its inputs (`/health` waits for it).
        public var readiness: Readiness?

        public init(kafka: KafkaClientConfiguration, group: String) {
            self.kafka = kafka
            self.group = group
        }
    }

    static let readinessPart = "alerting"

    public static let stage = "processors.alerts"

    private let configuration: Configuration
    private let rules: DefinitionFollower<AlertRule>
    private let geofences: DefinitionFollower<GeofenceDefinition>
    private let entities: EntityPolygons
    private let compile: AlertConditionCompiler?
    private let producer: KafkaProducer
    private let logger: Logger
    /// Rules not applied, already logged.
    private let reportedProblems = Mutex<Set<String>>([])

    public init(
        configuration: Configuration, rules: DefinitionFollower<AlertRule>, geofences: DefinitionFollower<GeofenceDefinition>,
        entities: EntityPolygons, compile: AlertConditionCompiler?, producer: KafkaProducer, logger: Logger
    ) {
        self.configuration = configuration
        configuration.readiness?.expect(Self.readinessPart, waitingFor: "its rules, geofences and fence polygons")
        self.rules = rules
        self.geofences = geofences
        self.entities = entities
        self.compile = compile
        self.producer = producer
        self.logger = logger
    }

    /// What decides the engine's rules and fences, to tell when they must be rebuilt.
    struct Generations: Equatable {
        var rules: Int
        var geofences: Int
        var entities: Int
    }

    public func run() async throws {
        await rules.waitUntilLoaded(timeout: configuration.readinessTimeout)
        await geofences.waitUntilLoaded(timeout: configuration.readinessTimeout)
        var engine = AlertEngine(compile: compile)
        var generations = Generations(rules: -1, geofences: -1, entities: -1)
        var pending: Set<String> = []
        await refresh(&engine, generations: &generations, pending: &pending, waiting: true)

        let store = CheckpointStore(producer: producer, kafka: configuration.kafka)
        let checkpoint = try await store.latest(group: configuration.group, as: AlertState.self)
        if let checkpoint {
            engine.restore(checkpoint.state)
            // The rules may have changed while it was down.
            engine.define(ready(rules.current, pending: pending))
        }
        let topics = Set(configuration.readingTopics + configuration.aggregateTopics)
        let counts = try await producer.admin.fetchPartitionCounts()
        var positions = AggregatorStage.positions(topics, counts: counts, known: checkpoint?.reachedPositions ?? [:])
        var outputs = OutputPositions(ends: checkpoint?.outputPositions ?? [:])
        logger.info(
            "alerting started",
            metadata: [
                "rules": "\(engine.rules.keys.sorted())", "resume": "\(AggregatorStage.describe(positions))", "restored": "\(checkpoint != nil)",
            ])
        // An alert is raised as soon as its aggregate or reading arrives: the short fetch wait.
        let consumer = try KafkaConsumer(
            configuration: KafkaConsumerConfiguration(client: configuration.kafka, groupID: configuration.group).interactive(),
            subscription: .partitions(positions),
            logger: logger)
        defer { consumer.close() }
        configuration.readiness?.ready(Self.readinessPart)
        let decoder = EventJSON.decoder()
        var lastCheckpoint = ContinuousClock.now
        var changedSinceCheckpoint = false
        var drain = StageDrain()
        while true {
            let batch = try await consumer.poll(maxMessages: configuration.batchSize, timeout: .milliseconds(100))
            if drain.shouldStop(batchIsEmpty: batch.isEmpty) { break }
            await refresh(&engine, generations: &generations, pending: &pending, waiting: false)
            var records: [OutgoingRecord] = []
            for message in batch {
                positions[message.topicPartition] = message.offset + 1
                changedSinceCheckpoint = true
                guard let type = message.header("ce_type") else { continue }
                do {
                    if configuration.aggregateTopics.contains(message.topic) {
                        guard type == AggregateWindowEvent.type else { continue }
                        let event: AggregateWindowEvent
                        do {
                            event = try decoder.decode(AggregateWindowEvent.self, from: message.value)
                        } catch {
                            throw EventDecodingError("not an aggregate window: \(error)")
                        }
                        for alert in engine.process(window: event) { records.append(try alert.record(topic: configuration.outputTopic)) }
                    } else if type == "sensor.reading", engine.hasReadingRules {
                        for alert in engine.process(reading: try SpatialEventFields(message)) {
                            records.append(try alert.record(topic: configuration.outputTopic))
                        }
                    }
                } catch let error as EventDecodingError {
                    records.append(
                        try DeadLetter(
                            failed: message, stage: Self.stage, reason: error.reason, eventID: message.header("ce_id").flatMap(UUID.init(canonical:))
                        ).record(topic: configuration.deadLetterTopic))
                }
            }
            if !records.isEmpty { outputs.delivered(try await producer.sendAll(records)) }
            if changedSinceCheckpoint, ContinuousClock.now - lastCheckpoint >= configuration.checkpointInterval || Task.isShuttingDownGracefully {
                try await save(engine.state, positions: positions, outputs: outputs.ends, store: store)
                lastCheckpoint = .now
                changedSinceCheckpoint = false
            }
        }
        if changedSinceCheckpoint { try await save(engine.state, positions: positions, outputs: outputs.ends, store: store) }
        logger.info("alerting stopped")
    }

    private func save(_ state: AlertState, positions: [TopicPartition: Int64], outputs: [TopicPartition: Int64], store: CheckpointStore) async throws
    {
        let checkpoint = Checkpoint(
            group: configuration.group, takenAt: Date(),
            inputs: positions.sorted { $0.key.description < $1.key.description }.map {
                .init(topic: $0.key.topic, partition: $0.key.partition, resume: $0.value, reached: $0.value)
            },
            outputs: outputs.sorted { $0.key.description < $1.key.description }.map {
                .init(topic: $0.key.topic, partition: $0.key.partition, offset: $0.value)
            }, state: state)
        try await store.save(checkpoint)
    }

    /// The rules whose fence collections are loaded (a rule whose fences are not known yet would see
    /// every subject outside them).
    private func ready(_ definitions: [String: DefinitionFollower<AlertRule>.Revision], pending: Set<String>) -> [String: (
        rule: AlertRule, revision: UUID
    )] {
        var ready: [String: (rule: AlertRule, revision: UUID)] = [:]
        for (id, entry) in definitions {
            let collections = (entry.definition.fences?.collections ?? []).subtracting([GeofenceDefinition.collection])
            if collections.isDisjoint(with: pending) { ready[id] = (entry.definition, entry.revision) }
        }
        return ready
    }

    /// Redefines the rules and rebuilds the fence index when rules, drawn fences or entity polygons changed.
    private func refresh(_ engine: inout AlertEngine, generations: inout Generations, pending: inout Set<String>, waiting: Bool) async {
        let definitions = rules.current
        let needed = definitions.values.reduce(into: Set<String>()) { $0.formUnion($1.definition.fences?.collections ?? []) }
            .subtracting([GeofenceDefinition.collection])
        for collection in needed { entities.want(collection) }
        if waiting {
            let deadline = ContinuousClock.now + configuration.readinessTimeout
            while needed.contains(where: { !entities.isLoaded($0) }), ContinuousClock.now < deadline, !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
        pending = needed.filter { !entities.isLoaded($0) }
        let now = Generations(rules: rules.generation, geofences: geofences.generation, entities: entities.generation + pending.count * 1_000_000)
        guard now != generations else { return }
        generations = now
        for (rule, reason) in engine.define(ready(definitions, pending: pending)) {
            // Once per revision of a rule, not at every change of the fences.
            let report = "\(rule) \(definitions[rule]?.revision.uuidString ?? "") \(reason)"
            guard reportedProblems.withLock({ $0.insert(report).inserted }) else { continue }
            logger.warning("alert rule not applied", metadata: ["rule": "\(rule)", "reason": "\(reason)"])
        }
        var fences = PolygonSet<String>()
        var names: [String: String] = [:]
        var entries: [(String, PreparedPolygon)] = []
        for collection in engine.fenceCollections.sorted() {
            if collection == GeofenceDefinition.collection {
                for (id, entry) in geofences.current {
                    guard let rings = PolygonRings.read(entry.definition.geometry), let polygon = PreparedPolygon(rings) else { continue }
                    entries.append(("\(collection)/\(id)", polygon))
                    if let title = entry.definition.title { names["\(collection)/\(id)"] = title }
                }
            } else if let set = entities.polygons(collection) {
                for id in set.allKeys {
                    guard let polygon = set.polygon(id) else { continue }
                    entries.append(("\(collection)/\(id)", polygon))
                    if let name = entities.name(collection: collection, id: id) { names["\(collection)/\(id)"] = name }
                }
            }
        }
        fences.set(contentsOf: entries)
        engine.setFences(fences, names: names)
        logger.info("alert rules and fences ready", metadata: ["rules": "\(engine.rules.keys.sorted())", "fences": "\(fences.count)"])
    }
}

import Events
import Foundation
import JSON
import Kafka
import Logging
import ServiceLifecycle

/// The aggregator: runs every aggregation definition over its input topic, emits windows to the
/// `agg.*` topics and late events past the correction horizon to the dead-letter topic.
///
/// Exactly once without broker transactions. Outputs have deterministic ids (aggregation, revision,
/// key, window, version). Every few seconds, once its outputs are acknowledged, it writes a
/// checkpoint: the watermarks, where it has read to, and where to resume — the earliest offset any
/// window still alive holds — with the output positions of that moment. After a crash it resumes
/// there: it reads back the versions it emitted since, re-reads the input up to where it had read,
/// rebuilding the windows (nothing is emitted while it does), then goes on; a window is emitted again
/// only if what it says differs from its last version, and every consumer dedupes by id.
///
/// One instance reads all partitions of its inputs (a window of a region gathers events from every
/// partition); run one per consumer group.
public final class AggregatorStage: Service {
    public struct Configuration: Sendable {
        public var kafka: KafkaClientConfiguration
        /// Names the checkpoints, e.g. `shikong.aggregator`.
        public var group: String
        public var deadLetterTopic = Topics.deadLetters
        public var batchSize = 5_000
        public var checkpointInterval: Duration = .seconds(5)
        /// How long to wait at start for definitions and region polygons.
        public var readinessTimeout: Duration = .seconds(60)
        /// Told when the stage reads its inputs (`/health` waits for it).
        public var readiness: Readiness?

        public init(kafka: KafkaClientConfiguration, group: String) {
            self.kafka = kafka
            self.group = group
        }
    }

    static let readinessPart = "aggregator"

    public static let stage = "processors.aggregator"

    struct State: Codable, Sendable {
        var aggregations: [AggregationEngine.Snapshot]
    }

    private let configuration: Configuration
    private let definitions: DefinitionFollower<AggregationDefinition>
    private let regions: RegionLookup
    private let producer: KafkaProducer
    private let logger: Logger

    public init(
        configuration: Configuration, definitions: DefinitionFollower<AggregationDefinition>, regions: RegionLookup, producer: KafkaProducer,
        logger: Logger
    ) {
        self.configuration = configuration
        configuration.readiness?.expect(Self.readinessPart, waitingFor: "its aggregation definitions, region polygons and outputs read back")
        self.definitions = definitions
        self.regions = regions
        self.producer = producer
        self.logger = logger
    }

    public func run() async throws {
        await definitions.waitUntilLoaded(timeout: configuration.readinessTimeout)
        var engine = AggregationEngine(regions: regions)
        var generation = definitions.generation
        engine.define(definitions.current.mapValues { ($0.definition, $0.revision) })
        await waitForRegions(engine)

        let store = CheckpointStore(producer: producer, kafka: configuration.kafka)
        let checkpoint = try await store.latest(group: configuration.group, as: State.self)
        let now = ProcessingTime.now()
        if let checkpoint { engine.restore(checkpoint.state.aggregations, now: now) }
        var subscribed = engine.inputs.union([Topics.spatialEvents])
        let outputTopics = engine.outputs.union([Topics.aggregatesOfReadings])
        let counts = try await producer.admin.fetchPartitionCounts()
        let outputStart = Self.positions(outputTopics, counts: counts, known: checkpoint?.outputPositions ?? [:])
        let outputEnds = try await reconcile(from: outputStart, into: &engine)
        var outputs = OutputPositions(ends: outputEnds)
        var positions = Self.positions(subscribed, counts: counts, known: checkpoint?.resumePositions ?? [:])
        let rebuildUntil = checkpoint?.reachedPositions ?? [:]
        var rebuilding = positions.contains { $0.value < rebuildUntil[$0.key] ?? 0 }
        if !rebuilding { engine.finishRebuild() }
        outputs.mark(inputs: positions, outputs: outputStart)
        logger.info(
            "aggregator started",
            metadata: [
                "aggregations": "\(engine.revisions.keys.sorted())", "resume": "\(Self.describe(positions))",
                "rebuild until": "\(Self.describe(rebuildUntil))",
            ])

        // Windows feed alerts and dashboards, and a backlog is read as fast as the broker hands it over:
        // the short fetch wait.
        let consumerConfiguration = KafkaConsumerConfiguration(client: configuration.kafka, groupID: configuration.group).interactive()
        var consumer = try KafkaConsumer(configuration: consumerConfiguration, subscription: .partitions(positions), logger: logger)
        defer { consumer.close() }
        configuration.readiness?.ready(Self.readinessPart)
        var lastCheckpoint = ContinuousClock.now
        var drain = StageDrain()
        while true {
            let batch = try await consumer.pollRecords(maxMessages: configuration.batchSize, timeout: .milliseconds(100))
            if drain.shouldStop(batchIsEmpty: batch.isEmpty) { break }
            let now = ProcessingTime.now()
            if definitions.generation != generation {
                generation = definitions.generation
                engine.define(definitions.current.mapValues { ($0.definition, $0.revision) })
                logger.info("aggregations changed", metadata: ["aggregations": "\(engine.revisions.keys.sorted())"])
            }
            engine.expect(positions.keys, now: now)
            outputs.mark(inputs: positions)
            var records: [OutgoingRecord] = []
            let types = Set(definitions.current.values.map(\.definition.eventType))
            for record in batch {
                let partition = record.topicPartition
                positions[partition] = record.offset + 1
                let phase: AggregationEngine.Phase = record.offset < rebuildUntil[partition] ?? 0 ? .rebuild : .live
                // Read in place, once; the type is known only after that, and a record of a type no
                // aggregation reads is skipped even when it does not parse.
                let fields: SpatialEventFields
                do {
                    fields = try SpatialEventFields(record)
                } catch {
                    if phase == .live, let type = record.header("ce_type"), types.contains(type) {
                        records.append(try deadLetter(record.message, stage: Self.stage, reason: error.reason))
                    }
                    continue
                }
                guard types.contains(fields.type) else { continue }
                for failure in engine.process(
                    fields, topic: record.topic, partition: partition.partition, offset: record.offset, phase: phase, now: now)
                {
                    records.append(try deadLetter(record.message, stage: "\(Self.stage)/\(failure.aggregation)", reason: failure.reason))
                }
            }
            if rebuilding, !positions.contains(where: { $0.value < rebuildUntil[$0.key] ?? 0 }) {
                rebuilding = false
                engine.finishRebuild()
                logger.info("aggregator windows rebuilt", metadata: ["windows": "\(engine.windowCount)"])
            }
            for (window, output, geometry, theme) in engine.advance(now: now, emitting: !rebuilding) {
                let event = AggregateWindowEvent(
                    data: window, geometry: geometry,
                    attributes: AttributeLabels(domain: "iot", industry: "environment", theme: theme ?? "aggregates"), recordedAt: Date())
                records.append(try event.record(topic: output))
            }
            if !records.isEmpty { outputs.delivered(try await producer.sendAll(records)) }
            if !rebuilding, ContinuousClock.now - lastCheckpoint >= configuration.checkpointInterval || Task.isShuttingDownGracefully {
                try await saveCheckpoint(engine: engine, positions: positions, outputs: &outputs, store: store)
                lastCheckpoint = .now
            }
            let wanted = engine.inputs.union([Topics.spatialEvents])
            if !wanted.isSubset(of: subscribed) {
                // A definition reads a topic not read yet: read it from the start, the others on from here.
                subscribed = subscribed.union(wanted)
                positions = Self.positions(subscribed, counts: try await producer.admin.fetchPartitionCounts(), known: positions)
                consumer.close()
                consumer = try KafkaConsumer(configuration: consumerConfiguration, subscription: .partitions(positions), logger: logger)
            }
        }
        if !rebuilding { try await saveCheckpoint(engine: engine, positions: positions, outputs: &outputs, store: store) }
        logger.info("aggregator stopped", metadata: ["windows": "\(engine.windowCount)"])
    }

    private func saveCheckpoint(
        engine: AggregationEngine, positions: [TopicPartition: Int64], outputs: inout OutputPositions, store: CheckpointStore
    ) async throws {
        let trailing = engine.trailingOffsets
        var inputs: [Checkpoint<State>.Input] = []
        var resume: [TopicPartition: Int64] = [:]
        for (partition, reached) in positions.sorted(by: { $0.key.description < $1.key.description }) {
            let from = min(reached, trailing[partition] ?? reached)
            resume[partition] = from
            inputs.append(.init(topic: partition.topic, partition: partition.partition, resume: from, reached: reached))
        }
        let outputPositions = outputs.positions(resumingAt: resume)
        let checkpoint = Checkpoint(
            group: configuration.group, takenAt: Date(), inputs: inputs,
            outputs: outputPositions.sorted { $0.key.description < $1.key.description }.map {
                .init(topic: $0.key.topic, partition: $0.key.partition, offset: $0.value)
            }, state: State(aggregations: engine.snapshots))
        try await store.save(checkpoint)
    }

    /// Reads the outputs from `start` to their end, telling the engine which versions exist; returns the ends.
    private func reconcile(from start: [TopicPartition: Int64], into engine: inout AggregationEngine) async throws -> [TopicPartition: Int64] {
        guard !start.isEmpty else { return [:] }
        let consumer = try KafkaConsumer(
            configuration: KafkaConsumerConfiguration(client: configuration.kafka, groupID: "\(configuration.group).outputs"),
            subscription: .partitions(start), logger: logger)
        defer { consumer.close() }
        var ends = start
        var targets: [TopicPartition: Int64] = [:]
        for partition in start.keys { targets[partition] = try await consumer.watermarks(partition).high }
        let decoder = EventJSON.decoder()
        var learned = 0
        var quiet = 0
        while quiet < 3 || ends.contains(where: { $0.value < targets[$0.key] ?? 0 }) {
            let batch = try await consumer.poll(maxMessages: 5_000, timeout: .milliseconds(200))
            quiet = batch.isEmpty ? quiet + 1 : 0
            if batch.isEmpty && quiet > 50 { break }
            for message in batch {
                ends[message.topicPartition] = message.offset + 1
                guard message.header("ce_type") == AggregateWindowEvent.type,
                    let event = try? decoder.decode(AggregateWindowEvent.self, from: message.value)
                else { continue }
                engine.learnEmitted(event.data)
                learned += 1
            }
        }
        if learned > 0 { logger.info("aggregator read back its outputs", metadata: ["versions": "\(learned)"]) }
        return ends
    }

    private func waitForRegions(_ engine: AggregationEngine) async {
        let deadline = ContinuousClock.now + configuration.readinessTimeout
        while !engine.regionsReady, ContinuousClock.now < deadline, !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(100))
        }
        if !engine.regionsReady { logger.warning("region polygons not loaded in time; events outside every loaded region are not aggregated") }
    }

    private func deadLetter(_ message: KafkaMessage, stage: String, reason: String) throws -> OutgoingRecord {
        try DeadLetter(failed: message, stage: stage, reason: reason, eventID: message.header("ce_id").flatMap(UUID.init(canonical:)))
            .record(topic: configuration.deadLetterTopic)
    }

    /// Every partition of `topics`, at the known position or 0.
    static func positions(_ topics: Set<String>, counts: [String: Int], known: [TopicPartition: Int64]) -> [TopicPartition: Int64] {
        var positions: [TopicPartition: Int64] = [:]
        for topic in topics {
            for partition in 0..<Int32(counts[topic] ?? 0) {
                let key = TopicPartition(topic: topic, partition: partition)
                positions[key] = known[key] ?? 0
            }
        }
        return positions
    }

    static func describe(_ positions: [TopicPartition: Int64]) -> String {
        positions.sorted { $0.key.description < $1.key.description }.map { "\($0.key)@\($0.value)" }.joined(separator: ",")
    }
}

import Events
import Foundation
import JSON
import Kafka
import Logging
import ServiceLifecycle
import SpatialIndex
import Synchronization

/// The polygons of the entity collections the live layer needs (region collections of
/// aggregations, fence collections of alert rules), kept in memory and in step with the entity
/// stream: read from the start of `spatial.entities` for the collections asked for, then followed.
/// Asking for a new collection reads the stream again from the start.
public final class EntityPolygons: Service {
    struct Entry: Sendable {
        var name: String?
        var properties: JSONValue?
    }

    struct State: Sendable {
        var wanted: Set<String> = []
        /// Collections whose initial read reached the end of the stream.
        var loaded: Set<String> = []
        var sets: [String: PolygonSet<String>] = [:]
        var entries: [String: [String: Entry]] = [:]
        /// Bumped on every change, so users can tell their index is stale.
        var generation = 0
        /// Set when `wanted` grew: the reader starts over.
        var restart = false
    }

    private let kafka: KafkaClientConfiguration
    private let topic: String
    private let logger: Logger
    private let state = Mutex(State())

    public init(kafka: KafkaClientConfiguration, topic: String = Topics.spatialEntities, logger: Logger) {
        self.kafka = kafka
        self.topic = topic
        self.logger = logger
    }

    /// Asks for a collection's polygons (read from the start of the stream).
    public func want(_ collection: String) {
        state.withLock { state in
            guard state.wanted.insert(collection).inserted else { return }
            state.restart = true
        }
    }

    public func isLoaded(_ collection: String) -> Bool {
        state.withLock { $0.loaded.contains(collection) }
    }

    /// Changes so far: compare to tell whether polygons changed.
    public var generation: Int { state.withLock { $0.generation } }

    /// The region of `collection` containing a point: the entity's id, its `name` property and its centroid.
    public func region(collection: String, longitude: Double, latitude: Double) -> Region? {
        state.withLock { state -> Region? in
            guard let set = state.sets[collection] else { return nil }
            var found: Region?
            set.forEach(containing: longitude, latitude) { id, polygon in
                if found == nil {
                    found = Region(
                        id: id, name: state.entries[collection]?[id]?.name, longitude: polygon.centroid.longitude, latitude: polygon.centroid.latitude
                    )
                }
            }
            return found
        }
    }

    /// The polygons of a collection, keyed by entity id (a value: later changes do not show in it).
    public func polygons(_ collection: String) -> PolygonSet<String>? {
        state.withLock { $0.sets[collection] }
    }

    /// An entity's `name` property, when it has one.
    public func name(collection: String, id: String) -> String? {
        state.withLock { $0.entries[collection]?[id]?.name }
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let wanted = state.withLock { state -> Set<String> in
                state.restart = false
                return state.wanted
            }
            if wanted.isEmpty {
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(200)) }
                continue
            }
            do {
                try await read(wanted)
            } catch {
                logger.warning("entity polygons not read; retrying", metadata: ["error": "\(error)"])
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(1)) }
            }
        }
    }

    /// Reads the stream from the start for `wanted` until asked to start over or to stop.
    private func read(_ wanted: Set<String>) async throws {
        let probe = try KafkaProducer(configuration: KafkaProducerConfiguration(client: kafka), logger: logger)
        let partitions = (try await probe.admin.fetchPartitionCounts())[topic] ?? 0
        probe.close()
        var ends: [TopicPartition: Int64] = [:]
        let consumer = try KafkaConsumer(
            configuration: KafkaConsumerConfiguration(client: kafka, groupID: "\(kafka.clientID).entity-polygons.\(UUID().uuidString.prefix(8))"),
            subscription: .partitions(
                Dictionary(uniqueKeysWithValues: (0..<Int32(partitions)).map { (TopicPartition(topic: topic, partition: $0), 0) })),
            logger: logger)
        defer { consumer.close() }
        for partition in 0..<Int32(partitions) {
            let key = TopicPartition(topic: topic, partition: partition)
            ends[key] = try await consumer.watermarks(key).high
        }
        var fresh: [String: PolygonSet<String>] = [:]
        var entries: [String: [String: Entry]] = [:]
        var positions: [TopicPartition: Int64] = [:]
        var loaded = false
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            if state.withLock({ $0.restart }) { return }
            let batch = try await consumer.poll(maxMessages: 2_000, timeout: .milliseconds(200))
            var changed = false
            for message in batch {
                positions[message.topicPartition] = message.offset + 1
                guard let collection = message.header("ce_collection") ?? Self.collection(ofSubject: message.header("ce_subject")),
                    wanted.contains(collection), let type = message.header("ce_type")
                else { continue }
                guard let event = try? EventJSON.decoder().decode(EntityEvent.self, from: message.value) else { continue }
                let id = event.data.entityID
                if type == EntityEvent.retired {
                    if loaded {
                        state.withLock { Self.remove(&$0.sets, &$0.entries, collection, id) }
                    } else {
                        Self.remove(&fresh, &entries, collection, id)
                    }
                    changed = true
                    continue
                }
                guard let geometry = event.space.geometry, let rings = PolygonRings.read(geometry), let polygon = PreparedPolygon(rings) else {
                    if loaded {
                        state.withLock { Self.remove(&$0.sets, &$0.entries, collection, id) }
                    } else {
                        Self.remove(&fresh, &entries, collection, id)
                    }
                    continue
                }
                let entry = Entry(name: event.data.properties?["name"]?.string, properties: event.data.properties)
                if loaded {
                    state.withLock { state in
                        state.sets[collection, default: PolygonSet()].set(id, polygon)
                        state.entries[collection, default: [:]][id] = entry
                    }
                } else {
                    fresh[collection, default: PolygonSet()].set(id, polygon)
                    entries[collection, default: [:]][id] = entry
                }
                changed = true
            }
            if loaded, changed { state.withLock { $0.generation += 1 } }
            if !loaded, batch.isEmpty, ends.allSatisfy({ positions[$0.key, default: 0] >= $0.value }) {
                loaded = true
                for collection in fresh.keys { fresh[collection]?.pack() }
                let (sets, names) = (fresh, entries)
                state.withLock { state in
                    for collection in wanted {
                        state.sets[collection] = sets[collection] ?? PolygonSet()
                        state.entries[collection] = names[collection] ?? [:]
                    }
                    state.loaded.formUnion(wanted)
                    state.generation += 1
                }
                logger.info(
                    "entity polygons loaded",
                    metadata: ["collections": "\(wanted.sorted())", "polygons": "\(sets.values.reduce(0) { $0 + $1.count })"])
            }
        }
    }

    private static func remove(
        _ sets: inout [String: PolygonSet<String>], _ entries: inout [String: [String: Entry]], _ collection: String, _ id: String
    ) {
        sets[collection]?.remove(id)
        entries[collection]?[id] = nil
    }

    /// `entity:<collection>/<id>` → `<collection>`.
    static func collection(ofSubject subject: String?) -> String? {
        guard let subject, subject.hasPrefix("entity:"), let slash = subject.firstIndex(of: "/") else { return nil }
        return String(subject[subject.index(subject.startIndex, offsetBy: 7)..<slash])
    }
}

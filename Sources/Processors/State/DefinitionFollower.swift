import Events
import Foundation
import Kafka
import Logging
import ServiceLifecycle
import Synchronization

/// The definitions of one kind (aggregations, geofences, alert rules) as they stand: the kind's topic
/// read from the start, then followed; of several events of one definition, the newest (by id) wins. Each definition comes with its revision, the id of the event
/// that defined it. Events it cannot read are logged and skipped (the API and CLI validate what they
/// publish; the definitions projection dead-letters them).
public final class DefinitionFollower<Definition: LiveDefinition>: Service {
    /// A definition with the id of the event that set it.
    public struct Revision: Sendable, Equatable {
        public var definition: Definition
        public var revision: UUID
    }

    struct State: Sendable {
        var definitions: [String: Revision] = [:]
        /// Deleted definitions: the deleting event's id, so an older event read later changes nothing.
        var deleted: [String: UUID] = [:]
        var loaded = false
        var generation = 0
    }

    private let kafka: KafkaClientConfiguration
    private let topic: String
    private let logger: Logger
    private let state = Mutex(State())

    public init(kafka: KafkaClientConfiguration, topic: String = Definition.kind.topic, logger: Logger) {
        self.kafka = kafka
        self.topic = topic
        self.logger = logger
    }

    /// The definitions now, by id.
    public var current: [String: Revision] { state.withLock { $0.definitions } }
    /// Whether the topic was read to its end once.
    public var isLoaded: Bool { state.withLock { $0.loaded } }
    /// Bumped on every change.
    public var generation: Int { state.withLock { $0.generation } }

    /// Waits until the topic was read to its end once, at most `timeout`.
    public func waitUntilLoaded(timeout: Duration = .seconds(60)) async {
        let deadline = ContinuousClock.now + timeout
        while !isLoaded, ContinuousClock.now < deadline, !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Applies one record (for tests and for readers of the topic).
    func apply(_ message: KafkaMessage) {
        do {
            let change = try DefinitionChange<Definition>.decode(message)
            state.withLock { state in
                // The newest event (UUIDv7 order) wins, as in the definitions projection: a demo
                // re-publishing its fixed-date definitions does not undo an operator's edit.
                let latest = state.definitions[change.definitionID]?.revision ?? state.deleted[change.definitionID]
                if let latest, latest.uuidString >= change.id.uuidString { return }
                if let definition = change.definition {
                    guard definition.problem() == nil else { return }
                    state.definitions[change.definitionID] = Revision(definition: definition, revision: change.id)
                    state.deleted[change.definitionID] = nil
                } else {
                    state.definitions[change.definitionID] = nil
                    state.deleted[change.definitionID] = change.id
                }
                state.generation += 1
            }
        } catch {
            logger.warning("definition event skipped", metadata: ["topic": "\(topic)", "offset": "\(message.offset)", "reason": "\(error.reason)"])
        }
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await follow()
                return
            } catch {
                logger.warning("definitions not read; retrying", metadata: ["topic": "\(topic)", "error": "\(error)"])
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(1)) }
            }
        }
    }

    private func follow() async throws {
        let consumer = try KafkaConsumer(
            configuration: KafkaConsumerConfiguration(client: kafka, groupID: "\(kafka.clientID).definitions.\(UUID().uuidString.prefix(8))"),
            subscription: .partitions([TopicPartition(topic: topic, partition: 0): 0]), logger: logger)
        defer { consumer.close() }
        let end = (try? await consumer.watermarks(TopicPartition(topic: topic, partition: 0)).high) ?? 0
        var position: Int64 = 0
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let batch = try await consumer.poll(maxMessages: 1_000, timeout: .milliseconds(100))
            for message in batch where !message.isLogFiller {
                apply(message)
            }
            if let last = batch.last { position = last.offset + 1 }
            if batch.isEmpty, position >= end, !isLoaded {
                state.withLock { $0.loaded = true }
                logger.info("definitions loaded", metadata: ["topic": "\(topic)", "count": "\(current.count)"])
            }
        }
    }
}

import Events
import Foundation
import Kafka
import Logging
import ServiceLifecycle
import Synchronization

/// What the spatialiser asks of the sensor registry.
public protocol DatastreamLookup: Sendable {
    /// The datastream of `thing` that measures `observedProperty`, if registered.
    func datastream(thing: String, observedProperty: String) -> Datastream?
}

/// The sensor registry in memory, kept in step with `sensors.registry` (every processor process
/// reads the whole topic): things and their datastreams, by thing and observed property.
public final class SensorRegistry: DatastreamLookup, Service {
    private struct State {
        var datastreams: [String: Datastream] = [:]
        /// thing → observed property → datastream id.
        var byThing: [String: [String: String]] = [:]
        var things: [String: Thing] = [:]
        /// Latest event applied per subject, so an older event read again changes nothing.
        var applied: [String: UUID] = [:]
    }

    private let state = Mutex(State())
    private let follower: TopicFollower?
    private let logger: Logger

    /// A registry that follows `topic` while it runs as a service.
    public init(
        kafka: KafkaClientConfiguration, topic: String = Topics.sensorRegistry, watermarks: KafkaProducer? = nil,
        logger: Logger = Logger(label: "shikong.registry")
    ) {
        follower = TopicFollower(kafka: kafka, topic: topic, watermarks: watermarks, logger: logger)
        self.logger = logger
    }

    /// A registry holding what it is given (tests, tools).
    public init(events: [RegistryEvent] = []) {
        follower = nil
        logger = Logger(label: "shikong.registry")
        apply(events)
    }

    public func datastream(thing: String, observedProperty: String) -> Datastream? {
        state.withLock { state in
            state.byThing[thing]?[observedProperty].flatMap { state.datastreams[$0] }
        }
    }

    public func thing(_ id: String) -> Thing? { state.withLock { $0.things[id] } }

    /// Waits until every registry change appended before the call is applied (bounded); returns
    /// whether it caught up. A reading is called unknown only against a registry caught up like this.
    public func catchUp(timeout: Duration = .seconds(10)) async -> Bool {
        await follower?.catchUp(timeout: timeout) ?? true
    }

    public func run() async throws {
        guard let follower else { return }
        logger.info("following the sensor registry")
        try await cancelWhenGracefulShutdown {
            try await follower.run { [self] batch in
                var events: [RegistryEvent] = []
                for message in batch where !message.isLogFiller {
                    do {
                        events.append(try RegistryEvent.decode(message))
                    } catch {
                        // The registry projection makes it a dead letter; here it is only skipped.
                        logger.warning("unreadable registry event skipped", metadata: ["offset": "\(message.offset)", "reason": "\(error)"])
                    }
                }
                apply(events)
            }
        }
    }

    /// Applies events in order; an event older than the one applied for its subject is skipped.
    public func apply(_ events: [RegistryEvent]) {
        state.withLock { state in
            for event in events {
                if let known = state.applied[event.subject], known >= event.id { continue }
                state.applied[event.subject] = event.id
                if let thing = event.thing {
                    state.things[thing.id] = event.isDeletion ? nil : thing
                }
                if let datastream = event.datastream {
                    if let old = state.datastreams[datastream.id] {
                        state.byThing[old.thing]?[old.observedProperty] = nil
                    }
                    if event.isDeletion {
                        state.datastreams[datastream.id] = nil
                    } else {
                        state.datastreams[datastream.id] = datastream
                        state.byThing[datastream.thing, default: [:]][datastream.observedProperty] = datastream.id
                    }
                }
            }
        }
    }
}

import Events
import Foundation
import Ingest
import JSON
import Kafka
import Logging
import MQTT
import ServiceLifecycle

/// The demo's sensing resources and tasks: the air-quality stations and traffic counters as things
/// of the sensor registry with their datastreams (observed property, UCUM unit, physical range,
/// labels), and one `mqtt-feed` task per network bound to the registry — air quality in the
/// platform's own payload shape, traffic in a shape of its own read through the feed's mapping.
/// Every event id derives from its content at a fixed date, so registering again on the next start
/// repeats the same events (and an operator's later edit, with a newer id, wins).
public enum DemoSensing {
    static let registeredAt = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01T00:00:00Z
    static let editor = "demo"

    public static let airTask = "demo-air-quality"
    public static let trafficTask = "demo-traffic"

    static let airLabels = AttributeLabels(domain: "iot", industry: "environment", theme: "air-quality")
    static let trafficLabels = AttributeLabels(domain: "iot", industry: "transport", theme: "traffic")
    /// Value name, name, UCUM unit, physical range.
    static let airQuantities: [(String, String, String, ClosedRange<Double>)] = [
        ("pm25", "PM2.5", "ug/m3", 0...1_000), ("pm10", "PM10", "ug/m3", 0...2_000), ("no2", "NO₂", "ug/m3", 0...2_000),
        ("o3", "O₃", "ug/m3", 0...1_200), ("aqi", "Air quality index", "{AQI}", 0...500),
    ]
    static let trafficQuantities: [(String, String, String, ClosedRange<Double>)] = [
        ("speed", "Mean speed", "km/h", 0...200), ("flow", "Vehicles per hour", "/h", 0...12_000), ("occupancy", "Lane occupancy", "%", 0...100),
    ]

    /// The registry events: a thing and its datastreams per air station and traffic counter.
    public static func registryEvents(air: [AirQualityFeed.Station], traffic: [TrafficFeed.Counter]) -> [RegistryEvent] {
        var events: [RegistryEvent] = []
        func add(_ thing: Thing, quantities: [(String, String, String, ClosedRange<Double>)], labels: AttributeLabels) {
            events.append(RegistryEvent(thing: thing, editor: editor, at: registeredAt, id: contentID(thing)))
            for (property, name, unit, range) in quantities {
                let stream = Datastream(
                    id: "\(thing.id).\(property)", thing: thing.id, name: "\(thing.name) \(name)", observedProperty: property, unit: unit,
                    minimum: range.lowerBound, maximum: range.upperBound, labels: labels, crs: "EPSG:4326")
                events.append(RegistryEvent(datastream: stream, editor: editor, at: registeredAt, id: contentID(stream)))
            }
        }
        for station in air {
            add(
                Thing(
                    id: station.id, name: "Air quality station \(station.id)", description: "Synthetic demo station in \(station.district)",
                    location: PointGeometry(longitude: station.longitude, latitude: station.latitude),
                    properties: .object([("district", .string(station.district)), ("network", .string("demo air quality"))])),
                quantities: airQuantities, labels: airLabels)
        }
        for counter in traffic {
            add(
                Thing(
                    id: counter.id, name: "Traffic counter \(counter.id)", description: "Synthetic demo loop detector on \(counter.road)",
                    location: PointGeometry(longitude: counter.longitude, latitude: counter.latitude),
                    properties: .object([("road", .string(counter.road)), ("network", .string("demo traffic"))])),
                quantities: trafficQuantities, labels: trafficLabels)
        }
        return events
    }

    /// The two feed tasks.
    public static func tasks(interval: Duration) -> [PlatformTask] {
        let seconds = Double(interval.components.seconds)
        let air: JSONValue = .object([
            ("topic_filter", .string("wuhan/+/air")), ("crs", .string("EPSG:4326")), ("binding", .string("registry")),
            ("units", .object(airQuantities.map { ($0.0, .string($0.2)) })), ("expected_interval_seconds", .number(seconds)),
            ("silent_after_intervals", .number(3)),
        ])
        let traffic: JSONValue = .object([
            ("topic_filter", .string("wuhan/+/traffic")), ("crs", .string("EPSG:4326")), ("binding", .string("registry")),
            (
                "mapping",
                .object([
                    ("sensor_id", .string("/detector")), ("time", .string("/t")), ("lon", .string("/pos/0")), ("lat", .string("/pos/1")),
                    ("values", .string("/measurements")),
                ])
            ),
            ("expected_interval_seconds", .number(seconds)), ("silent_after_intervals", .number(3)),
        ])
        func task(_ id: String, _ name: String, _ definition: JSONValue) -> PlatformTask {
            let normalised = (try? MQTTFeedDefinition(json: definition).json) ?? definition
            return PlatformTask(id: id, kind: .mqttFeed, name: name, definition: normalised, owner: editor, editor: editor)
        }
        return [task(airTask, "Demo: Wuhan air-quality stations", air), task(trafficTask, "Demo: Wuhan traffic counters", traffic)]
    }

    private static func contentID(_ value: some Encodable) -> UUID {
        let content = (try? EventJSON.encoder().encode(value)).map { Array($0) } ?? []
        return EventIDGenerator.contentID(at: registeredAt, content: content)
    }
}

/// Registers the demo's sensing resources and adds its feed tasks (those missing), then ends.
public struct DemoSensingSetup: Service {
    let producer: KafkaProducer
    let air: [AirQualityFeed.Station]
    let traffic: [TrafficFeed.Counter]
    let interval: Duration
    /// Whether a task exists already (then it is left as the operator left it).
    let exists: @Sendable (String) async -> Bool
    let logger: Logger

    public init(
        producer: KafkaProducer, air: [AirQualityFeed.Station], traffic: [TrafficFeed.Counter], interval: Duration,
        exists: @escaping @Sendable (String) async -> Bool, logger: Logger
    ) {
        self.producer = producer
        self.air = air
        self.traffic = traffic
        self.interval = interval
        self.exists = exists
        self.logger = logger
    }

    public func run() async throws {
        do {
            let registry = DemoSensing.registryEvents(air: air, traffic: traffic)
            _ = try await producer.sendAll(try registry.map { try $0.record() })
            var added: [String] = []
            for task in DemoSensing.tasks(interval: interval) where !(await exists(task.id)) {
                try await producer.send(try TaskEvent(type: TaskEvent.added, task: task).record())
                added.append(task.id)
            }
            logger.notice(
                "demo sensing: stations and counters registered with their datastreams (GET /things, /datastreams); feeds are tasks (GET /tasks)",
                metadata: ["registry events": "\(registry.count)", "tasks added": "\(added)"])
        } catch {
            logger.warning("demo sensing resources not registered", metadata: ["error": "\(error)"])
        }
    }
}

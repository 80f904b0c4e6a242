import ArgumentParser
import Demo
import Events
import Foundation
import JSON
import Logging
import MQTT
import Platform
import ServiceLifecycle

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract:
            "Run the synthetic Wuhan sensor network against a running platform: register its stations and counters and add its two feed tasks through the API, then publish over MQTT (wuhan/<station>/air, wuhan/<counter>/traffic)."
    )

    @Option(help: "MQTT broker host:port. Env SHIKONG_MQTT.")
    var mqtt: String = env("SHIKONG_MQTT", "127.0.0.1:11883")
    @Option(help: "Number of air-quality stations.")
    var stations = 300
    @Option(help: "Number of traffic counters.")
    var counters = 40
    @Option(help: "Seconds between rounds.")
    var interval = 5
    @OptionGroup var api: APIOptions
    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        let logger = logging.bootstrap("shikong.demo")
        let (host, port) = try hostPort(mqtt, name: "--mqtt")
        let air = AirQualityFeed(
            connection: MQTTConnection(host: host, port: port, clientID: "shikong-demo-feed-\(getpid())"), stationCount: stations,
            interval: .seconds(interval), logger: logger)
        let traffic = TrafficFeed(
            connection: MQTTConnection(host: host, port: port, clientID: "shikong-demo-traffic-\(getpid())"), counterCount: counters,
            interval: .seconds(interval), logger: logger)
        try await register(air: air, traffic: traffic, logger: logger)
        let group = ServiceGroup(
            configuration: .platform(services: [.init(service: air), .init(service: traffic)], logger: logger))
        try await group.run()
    }

    /// The registry through `POST /registry`, the feed tasks through `POST /tasks` (kept as they are
    /// when they exist), then waits until both feeds are subscribed.
    private func register(air: AirQualityFeed, traffic: TrafficFeed, logger: Logger) async throws {
        let client = api.client
        let events = DemoSensing.registryEvents(air: air.stations, traffic: traffic.counters)
        func object(_ value: some Encodable) throws -> Any { try JSONSerialization.jsonObject(with: try EventJSON.encoder().encode(value)) }
        let things = try events.compactMap(\.thing).map(object)
        let datastreams = try events.compactMap(\.datastream).map(object)
        let (_, registered) = try await client.send("POST", "/registry", body: ["things": things, "datastreams": datastreams])
        logger.notice("demo sensors registered", metadata: ["answer": "\(APIClient.text(registered))"])
        for task in DemoSensing.tasks(interval: .seconds(interval)) {
            if (try? await client.send("GET", "/tasks/\(task.id)")) != nil { continue }
            let body: [String: Any] = [
                "id": task.id, "kind": task.kind.rawValue, "name": task.name ?? task.id,
                "definition": try JSONSerialization.jsonObject(with: Data(task.definition.text.utf8)),
            ]
            try await client.send("POST", "/tasks", body: body)
        }
        for id in [DemoSensing.airTask, DemoSensing.trafficTask] {
            let deadline = ContinuousClock.now + .seconds(60)
            while ContinuousClock.now < deadline {
                let status = try? await client.send("GET", "/tasks/\(id)/status")
                let details = ((status?.json as? [String: Any])?["details"] as? [String: Any]) ?? [:]
                if details["subscribed"] as? Bool == true { break }
                try await Task.sleep(for: .milliseconds(500))
            }
        }
    }
}

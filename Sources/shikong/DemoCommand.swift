import ArgumentParser
import Demo
import Foundation
import Logging
import MQTT
import Platform
import ServiceLifecycle

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Publish the synthetic Wuhan air-quality feed to an MQTT broker (topics city/<station>/air).")

    @Option(help: "MQTT broker host:port. Env SHIKONG_MQTT.")
    var mqtt: String = env("SHIKONG_MQTT", "127.0.0.1:11883")
    @Option(help: "Number of stations.")
    var stations = 300
    @Option(help: "Seconds between rounds.")
    var interval = 5
    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        let logger = logging.bootstrap("shikong.demo")
        let (host, port) = try hostPort(mqtt, name: "--mqtt")
        let feed = AirQualityFeed(
            connection: MQTTConnection(host: host, port: port, clientID: "shikong-demo-feed-\(getpid())"), stationCount: stations,
            interval: .seconds(interval), logger: logger)
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(services: [.init(service: feed)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}

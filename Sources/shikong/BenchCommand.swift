import ArgumentParser
import Demo
import Events
import Foundation
import LocalStack
import Logging
import MQTT
import Platform
import ServiceLifecycle

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench", abstract: "Benchmarks.", subcommands: [PipelineBench.self])

    struct PipelineBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "pipeline",
            abstract: "MQTT → Kafka → spatialiser → PostGIS end to end on a fresh local stack: sustained rate and freshness percentiles.",
            discussion:
                "Starts its own stack under --data-dir (wiped first) on ports 2xxxx, so a running `shikong up` is not disturbed. Build with -c release."
        )

        @Option(help: "Readings to publish.")
        var readings = 200_000
        @Option(help: "Distinct stations.")
        var stations = 1_000
        @Option(help: "Data directory for the benchmark's stack (wiped first).")
        var dataDir = ".shikong/bench"
        @OptionGroup var logging: LoggingOptions

        func run() async throws {
            let logger = logging.bootstrap("shikong.bench")
            guard let tansu = StackConfiguration.locateTansu() else { throw ValidationError("Tansu not found: run scripts/setup") }
            let directory = URL(fileURLWithPath: dataDir).standardizedFileURL
            try? FileManager.default.removeItem(at: directory)
            var stack = StackConfiguration(dataDirectory: directory, tansuExecutable: tansu)
            stack.postgresPort = 25432
            stack.mqttPort = 21883
            stack.kafkaPort = 29092
            let (local, configuration) = try await LocalPlatform.bringUp(
                stack, httpPort: 28080, feeds: [.init(topicFilter: "city/+/air")], topics: try TopicCatalogue.load(from: try TopicCatalogue.locate()),
                instance: "bench", logger: logger)
            defer { local.stop() }
            let pipeline = try Pipeline(configuration: configuration, stages: Set(Stage.allCases), logger: logger)
            defer { pipeline.producer.close() }
            let group = ServiceGroup(
                configuration: ServiceGroupConfiguration(
                    services: pipeline.services.map { .init(service: $0) }, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            let running = Task { try await group.run() }
            guard let database = pipeline.database else { return }
            let benchmark = PipelineBenchmark(readings: readings, stations: stations)
            let mqtt = MQTTConnection(host: configuration.mqttHost, port: configuration.mqttPort, clientID: "bench-publisher")
            let result = try await benchmark.run(mqtt: mqtt, database: database, logger: logger)
            print(result)
            await group.triggerGracefulShutdown()
            try? await running.value
        }
    }
}

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
                "Starts its own stack under --data-dir (wiped first) on ports 2xxxx (or those given), so a running `shikong up` is not disturbed. Without --rate it publishes as fast as one publisher can and reports the sustained rate; with --rate it publishes at that steady rate and the freshness percentiles are the pipeline's latency. Build with -c release."
        )

        @Option(help: "Readings to publish.")
        var readings = 200_000
        @Option(help: "Distinct stations.")
        var stations = 1_000
        @Option(help: "Publish at this many readings per second instead of as fast as possible.")
        var rate: Int?
        @Option(help: "Data directory for the benchmark's stack (wiped first).")
        var dataDir = ".shikong/bench"
        @Option(help: "Ports of the benchmark's stack: HTTP, PostgreSQL, MQTT, Kafka.")
        var ports = "28080,25432,21883,29092"
        @Option(
            help:
                "Run the stages as processes of this binary, this many `process` instances sharing their consumer groups (with one `ingest` and --project-instances `project`). 0: every stage in this process."
        )
        var processInstances = 0
        @Option(help: "With --process-instances: this many `project` instances sharing their consumer groups.")
        var projectInstances = 1
        @Option(help: "With --process-instances: seconds to wait after the first reading went through, for the consumer groups to settle.")
        var settle = 10
        @OptionGroup var logging: LoggingOptions

        func run() async throws {
            let logger = logging.bootstrap("shikong.bench")
            guard let tansu = StackConfiguration.locateTansu() else { throw ValidationError("Tansu not found: run scripts/setup") }
            let portList = ports.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard portList.count == 4 else { throw ValidationError("--ports takes four numbers: HTTP, PostgreSQL, MQTT, Kafka") }
            if let rate, rate <= 0 { throw ValidationError("--rate must be positive") }
            guard processInstances >= 0, projectInstances >= 1, settle >= 0 else {
                throw ValidationError("--process-instances must be 0 or more, --project-instances 1 or more, --settle 0 or more")
            }
            let directory = URL(fileURLWithPath: dataDir).standardizedFileURL
            try? FileManager.default.removeItem(at: directory)
            var stack = StackConfiguration(dataDirectory: directory, tansuExecutable: tansu)
            stack.postgresPort = portList[1]
            stack.mqttPort = portList[2]
            stack.kafkaPort = portList[3]
            let (local, configuration) = try await LocalPlatform.bringUp(
                stack, httpPort: portList[0], feeds: [.init(topicFilter: "city/+/air")],
                topics: try TopicCatalogue.load(from: try TopicCatalogue.locate()),
                instance: "bench", logger: logger)
            defer { local.stop() }
            var benchmark = PipelineBenchmark(readings: readings, stations: stations)
            benchmark.rate = rate
            let mqtt = MQTTConnection(host: configuration.mqttHost, port: configuration.mqttPort, clientID: "bench-publisher")
            if processInstances > 0 {
                let fleet = try StageFleet(
                    configuration: configuration, topicsDirectory: try TopicCatalogue.locate().path, processes: processInstances,
                    projections: projectInstances, directory: directory, logLevel: logging.logLevel)
                defer { fleet.stop() }
                // Separate processes join their groups one after another: measure once every instance holds its partitions.
                benchmark.warmUp = true
                benchmark.settle = .seconds(settle)
                let configured = benchmark
                let result = try await Pipeline.withDatabase(configuration.database, logger: logger) { database in
                    try await configured.run(mqtt: mqtt, database: database, logger: logger)
                }
                print("stage processes         1 ingest, \(processInstances) process, \(projectInstances) project")
                print(result)
                return
            }
            let pipeline = try Pipeline(configuration: configuration, stages: Set(Stage.allCases), logger: logger)
            defer { pipeline.producer.close() }
            let group = ServiceGroup(
                configuration: .platform(services: pipeline.services.map { .init(service: $0) }, logger: logger))
            let running = Task { try await group.run() }
            guard let database = pipeline.database else { return }
            let result = try await benchmark.run(mqtt: mqtt, database: database, logger: logger)
            print(result)
            await group.triggerGracefulShutdown()
            try? await running.value
        }
    }
}

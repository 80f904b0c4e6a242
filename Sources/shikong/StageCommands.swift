import ArgumentParser
import Events
import Foundation
import Logging
import Platform
import ServiceLifecycle

/// Runs some stages in this process against external Kafka, MQTT and PostgreSQL.
func runStages(
    _ stages: Set<Stage>, options: ExternalServiceOptions, node: NodeOptions, logging: LoggingOptions, migrate: Bool,
    adjust: (inout PlatformConfiguration) -> Void = { _ in }
) async throws {
    let logger = logging.bootstrap("shikong.\(stages.map(\.rawValue).sorted().joined(separator: "+"))")
    var configuration = try options.configuration()
    try node.apply(to: &configuration)
    adjust(&configuration)
    if migrate { try await Pipeline.prepareDatabase(configuration.database, logger: logger) }
    let pipeline = try Pipeline(configuration: configuration, stages: stages, logger: logger)
    defer { pipeline.producer.close() }
    let group = ServiceGroup(
        configuration: .platform(services: pipeline.services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) }, logger: logger))
    try await group.run()
}

/// What every stage command's help says about observing it.
let nodeDiscussion = """
    Every stage process announces itself every --heartbeat-interval seconds in the platform_nodes table (id, roles, version, \
    host, ports, partitions held and their lag); GET /nodes and shikong status list the nodes and mark as lost those silent \
    for three intervals. With --metrics-port it also answers /metrics (Prometheus text) and /health (Kafka, PostgreSQL and \
    MQTT reachability, probed every 5 s in the background) on that port; deploy/prometheus/shikong-rules.yml holds alert \
    rules over those metrics.
    """

struct IngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract:
            "Run the MQTT bridge: MQTT feeds → raw.sensor.readings (acknowledged only after Kafka has each event); messages it cannot append are dead letters whose bytes it keeps in the database.",
        discussion: nodeDiscussion
    )
    @OptionGroup var options: ExternalServiceOptions
    @OptionGroup var node: NodeOptions
    @OptionGroup var logging: LoggingOptions
    func run() async throws { try await runStages([.ingest], options: options, node: node, logging: logging, migrate: false) }
}

struct ProcessCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "process",
        abstract:
            "Run the processors: the spatialiser (raw.sensor.readings → spatial.events in EPSG:4490, or dlq), the entity checker and item locator, and the live layer (aggregator, alerting, alert delivery).",
        discussion:
            "Instances with the same --instance share each processor's partitions through its consumer group. The live layer's processors read every partition and keep one state: run them in one instance and --no-live-layer in the others.\n\n"
            + nodeDiscussion
    )
    @OptionGroup var options: ExternalServiceOptions
    @OptionGroup var node: NodeOptions
    @OptionGroup var logging: LoggingOptions
    @Flag(
        inversion: .prefixedNo,
        help: "Run the live layer's processors (aggregator, alerting, alert delivery) here: in exactly one `process` instance of a deployment.")
    var liveLayer = true
    func run() async throws {
        try await runStages([.process], options: options, node: node, logging: logging, migrate: false) { $0.liveProcessors = liveLayer }
    }
}

struct ProjectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "project", abstract: "Run the projections: spatial.events → PostGIS tables (migrates the schema first).",
        discussion: nodeDiscussion)
    @OptionGroup var options: ExternalServiceOptions
    @OptionGroup var node: NodeOptions
    @OptionGroup var logging: LoggingOptions
    func run() async throws { try await runStages([.project], options: options, node: node, logging: logging, migrate: true) }
}

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the HTTP API (OGC API Features, /health, /metrics with request rate, latency and status per route, /nodes).",
        discussion: nodeDiscussion)
    @OptionGroup var options: ExternalServiceOptions
    @OptionGroup var node: NodeOptions
    @OptionGroup var logging: LoggingOptions
    func run() async throws { try await runStages([.serve], options: options, node: node, logging: logging, migrate: false) }
}

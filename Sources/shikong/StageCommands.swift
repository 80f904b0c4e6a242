import ArgumentParser
import Events
import Foundation
import Logging
import Platform
import ServiceLifecycle

/// Runs some stages in this process against external Kafka, MQTT and PostgreSQL.
func runStages(_ stages: Set<Stage>, options: ExternalServiceOptions, logging: LoggingOptions, migrate: Bool) async throws {
    let logger = logging.bootstrap("shikong.\(stages.map(\.rawValue).sorted().joined(separator: "+"))")
    let configuration = try options.configuration()
    if migrate { try await Pipeline.prepareDatabase(configuration.database, logger: logger) }
    let pipeline = try Pipeline(configuration: configuration, stages: stages, logger: logger)
    defer { pipeline.producer.close() }
    let group = ServiceGroup(
        configuration: ServiceGroupConfiguration(
            services: pipeline.services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
    try await group.run()
}

struct IngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract:
            "Run the MQTT bridge: MQTT feeds → raw.sensor.readings (acknowledged only after Kafka has each event); messages it cannot append are dead letters whose bytes it keeps in the database."
    )
    @OptionGroup var options: ExternalServiceOptions
    @OptionGroup var logging: LoggingOptions
    func run() async throws { try await runStages([.ingest], options: options, logging: logging, migrate: false) }
}

struct ProcessCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "process", abstract: "Run the spatialiser: raw.sensor.readings → spatial.events (EPSG:4490) or dlq.")
    @OptionGroup var options: ExternalServiceOptions
    @OptionGroup var logging: LoggingOptions
    func run() async throws { try await runStages([.process], options: options, logging: logging, migrate: false) }
}

struct ProjectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "project", abstract: "Run the projections: spatial.events → PostGIS tables (migrates the schema first).")
    @OptionGroup var options: ExternalServiceOptions
    @OptionGroup var logging: LoggingOptions
    func run() async throws { try await runStages([.project], options: options, logging: logging, migrate: true) }
}

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the HTTP API (OGC API Features, health).")
    @OptionGroup var options: ExternalServiceOptions
    @OptionGroup var logging: LoggingOptions
    func run() async throws { try await runStages([.serve], options: options, logging: logging, migrate: false) }
}

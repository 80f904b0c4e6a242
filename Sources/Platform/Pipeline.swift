import API
import Events
import Foundation
import Geodesy
import Ingest
import Kafka
import Logging
import PostgresNIO
import Processors
import Projections
import ServiceLifecycle

/// Builds the stage services of a process and what they share (one producer, one database pool).
public final class Pipeline: Sendable {
    public let configuration: PlatformConfiguration
    public let producer: KafkaProducer
    public let database: PostgresClient?
    /// Services in start order; the service group stops them in reverse, so upstream stages stop
    /// first and downstream ones drain what is left.
    public let services: [any Service]

    public init(
        configuration: PlatformConfiguration, stages: Set<Stage>, logger: Logger, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws {
        self.configuration = configuration
        let client = KafkaClientConfiguration(bootstrapServers: configuration.kafkaBootstrap, clientID: configuration.instance)
        producer = try KafkaProducer(configuration: KafkaProducerConfiguration(client: client), logger: logger)
        let needsDatabase = stages.contains(.project) || stages.contains(.serve)
        let database = needsDatabase ? PostgresClient(configuration: configuration.database.client, backgroundLogger: logger) : nil
        self.database = database
        var services: [any Service] = []
        if let database { services.append(database) }
        services.append(producer)
        if stages.contains(.serve), let database {
            services.append(
                APIServer.application(
                    configuration: .init(host: configuration.httpHost, port: configuration.httpPort), client: database,
                    logger: Logger(label: "shikong.api"), onServerRunning: onServerRunning))
        }
        if stages.contains(.project), let database {
            services.append(
                SensorProjection(
                    configuration: .init(
                        consumer: KafkaConsumerConfiguration(client: client, groupID: "\(configuration.instance).projection.sensors")),
                    client: database, producer: producer, logger: Logger(label: "shikong.projection.sensors")))
        }
        if stages.contains(.process) {
            services.append(
                Spatialiser(
                    configuration: .init(consumer: KafkaConsumerConfiguration(client: client, groupID: "\(configuration.instance).spatialiser")),
                    spatialiser: ReadingSpatialiser(serviceArea: configuration.serviceArea), producer: producer,
                    logger: Logger(label: "shikong.spatialiser")))
        }
        if stages.contains(.ingest) {
            services.append(
                MQTTBridge(
                    configuration: .init(connection: configuration.mqttConnection, feeds: configuration.feeds), producer: producer,
                    logger: Logger(label: "shikong.mqtt-bridge")))
        }
        self.services = services
    }

    /// Creates the database if it is missing and applies migrations. Retries while PostgreSQL starts up.
    public static func prepareDatabase(_ database: DatabaseConfiguration, logger: Logger) async throws {
        var administrative = database
        administrative.database = "postgres"
        try await withConnection(administrative, logger: logger) { client in
            let rows = try await client.query("SELECT count(*)::int FROM pg_database WHERE datname = \(database.database)", logger: logger)
                .decode(Int.self).reduce(0, +)
            if rows == 0 {
                try await client.query(
                    PostgresQuery(unsafeSQL: "CREATE DATABASE \"\(database.database.replacingOccurrences(of: "\"", with: ""))\""), logger: logger)
                logger.info("database created", metadata: ["database": "\(database.database)"])
            }
        }
        try await withConnection(database, logger: logger) { client in
            try await Migrations.migrate(client, logger: logger)
        }
    }

    /// Creates the topics of the catalogue that do not exist yet.
    public static func applyTopics(_ catalogue: TopicCatalogue, bootstrap: String, logger: Logger) throws {
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(client: KafkaClientConfiguration(bootstrapServers: bootstrap, clientID: "shikong-admin")))
        defer { producer.close() }
        let outcomes = try producer.admin.createTopics(catalogue.topics.map(\.specification))
        for (topic, outcome) in outcomes.sorted(by: { $0.key < $1.key }) {
            logger.info("topic \(outcome == .created ? "created" : "exists")", metadata: ["topic": "\(topic)"])
        }
    }

    /// Runs `body` with a single connection (for setup steps that run before the pool does).
    static func withConnection<T: Sendable>(
        _ configuration: DatabaseConfiguration, logger: Logger, _ body: @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        let connection = try await retrying(logger: logger) {
            try await PostgresConnection.connect(
                configuration: PostgresConnection.Configuration(
                    host: configuration.host, port: configuration.port, username: configuration.username, password: configuration.password,
                    database: configuration.database, tls: .disable),
                id: 1, logger: logger)
        }
        do {
            let result = try await body(connection)
            try await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }

    static func retrying<T: Sendable>(logger: Logger, attempts: Int = 60, _ body: @Sendable () async throws -> T) async throws -> T {
        var lastError: (any Error)?
        for _ in 0..<attempts {
            do {
                return try await body()
            } catch {
                lastError = error
                try await Task.sleep(for: .milliseconds(500))
            }
        }
        throw lastError ?? CancellationError()
    }
}

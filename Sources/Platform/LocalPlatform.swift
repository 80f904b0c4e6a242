import Access
import Database
import Events
import GeoVocabulary
import Foundation
import Ingest
import LocalStack
import Logging
import MQTT
import Processors
import Projections

/// Brings up the local default stack and prepares it for the pipeline: database and schema, topics,
/// and the log the in-memory broker lost, put back from the event archive.
public enum LocalPlatform {
    public static func bringUp(
        _ stackConfiguration: StackConfiguration, httpPort: Int, feeds: [MQTTFeed], serviceArea: BoundingBox = .china,
        topics: TopicCatalogue, instance: String = "shikong", deviceCredentials: Bool = false, logger: Logger
    ) async throws -> (stack: LocalStack, configuration: PlatformConfiguration) {
        var stackConfiguration = stackConfiguration
        // With device credentials, the platform's own account first: the one Mosquitto starts with.
        let platformAccount = deviceCredentials ? DeviceAccessSync.platformAccount(instance: instance) : nil
        if let platformAccount {
            let rendered = MosquittoAccess.render([platformAccount.account])
            stackConfiguration.mqttAccessFiles = (rendered.passwords, rendered.acl)
        }
        let stack = try await LocalStack.start(stackConfiguration, logger: logger)
        do {
            var configuration = PlatformConfiguration(
                kafkaBootstrap: stackConfiguration.kafkaBootstrap, mqttHost: stackConfiguration.host, mqttPort: stackConfiguration.mqttPort,
                database: DatabaseConfiguration(
                    host: stackConfiguration.host, port: stackConfiguration.postgresPort, username: stackConfiguration.databaseUser,
                    database: stackConfiguration.databaseName),
                httpHost: stackConfiguration.host, httpPort: httpPort, feeds: feeds, serviceArea: serviceArea, instance: instance)
            // The local broker keeps its log in memory: sources are acknowledged once the archive has an event.
            configuration.acknowledgeAfterArchive = true
            // The reads connect as the read-only role (trust authentication on loopback, as the platform's own user).
            var reader = configuration.database
            reader.username = Migrations.readerRole
            configuration.readDatabase = reader
            configuration.dataDirectory = stackConfiguration.dataDirectory
            configuration.topics = topics
            configuration.mqttUsername = platformAccount?.account.name
            configuration.mqttPassword = platformAccount?.password
            try await Pipeline.prepareDatabase(configuration.database, logger: logger)
            try Pipeline.applyTopics(topics, bootstrap: configuration.kafkaBootstrap, logger: logger)
            try await Pipeline.recoverLog(configuration, logger: logger)
            // The bridge's session exists before anything can publish, so no reading arrives while
            // nobody subscribes (QoS 1 messages wait in the session from here on).
            try MQTTSession.register(configuration.mqttConnection, topicFilters: feeds.map(\.topicFilter))
            return (stack, configuration)
        } catch {
            stack.stop()
            throw error
        }
    }
}

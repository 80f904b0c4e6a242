import Events
import Foundation
import Ingest
import LocalStack
import Logging
import Processors
import Projections

/// Brings up the local default stack and prepares it for the pipeline: database and schema,
/// positions, topics.
public enum LocalPlatform {
    public static func bringUp(
        _ stackConfiguration: StackConfiguration, httpPort: Int, feeds: [MQTTFeed], serviceArea: GeoBounds = .china,
        topics: TopicCatalogue, instance: String = "shikong", logger: Logger
    ) async throws -> (stack: LocalStack, configuration: PlatformConfiguration) {
        let stack = try await LocalStack.start(stackConfiguration, logger: logger)
        do {
            let configuration = PlatformConfiguration(
                kafkaBootstrap: stackConfiguration.kafkaBootstrap, mqttHost: stackConfiguration.host, mqttPort: stackConfiguration.mqttPort,
                database: DatabaseConfiguration(
                    host: stackConfiguration.host, port: stackConfiguration.postgresPort, username: stackConfiguration.databaseUser,
                    database: stackConfiguration.databaseName),
                httpHost: stackConfiguration.host, httpPort: httpPort, feeds: feeds, serviceArea: serviceArea, instance: instance)
            try await Pipeline.prepareDatabase(configuration.database, logger: logger)
            // The local broker keeps its log in memory, so it always starts empty: stored positions
            // point into a log that is gone. Start over; effects are keyed by event id.
            try await Pipeline.withConnection(configuration.database, logger: logger) { connection in
                try await ProjectionPositions.resetAll(on: connection, logger: logger)
            }
            try Pipeline.applyTopics(topics, bootstrap: configuration.kafkaBootstrap, logger: logger)
            return (stack, configuration)
        } catch {
            stack.stop()
            throw error
        }
    }
}

import ArgumentParser
import Events
import Foundation
import Kafka
import Logging
import Platform
import Projections

struct TopicsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topics", abstract: "The topics declared in topics/: create and reconcile them, or list them with offsets and lag.",
        subcommands: [Apply.self, List.self])

    struct Apply: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Create the catalogue's missing topics, add partitions and set configs (min.insync.replicas too) on the others, and report drift.",
            discussion:
                "Exits with status 1 when drift remains (something the cluster would not change: fewer partitions, another replication factor, more copies than brokers). --check only reports."
        )
        @Option(help: "Kafka bootstrap servers. Env SHIKONG_KAFKA.")
        var kafka: String = env("SHIKONG_KAFKA", "127.0.0.1:19092")
        @Option(help: "Topic catalogue directory (default: the nearest topics/). Env SHIKONG_TOPICS_DIR.")
        var topicsDir: String?
        @Flag(help: "Only report differences; change nothing.")
        var check = false
        @OptionGroup var replication: ReplicationOptions
        @OptionGroup var logging: LoggingOptions

        func run() async throws {
            let logger = logging.bootstrap("shikong.topics")
            var catalogue = try TopicCatalogue.load(from: try TopicCatalogue.locate(explicit: topicsDir))
            catalogue.replication = try replication.policy()
            let producer = try KafkaProducer(
                configuration: KafkaProducerConfiguration(client: KafkaClientConfiguration(bootstrapServers: kafka, clientID: "shikong-admin")))
            defer { producer.close() }
            let outcomes = try TopicReconciler(admin: producer.admin, logger: logger).reconcile(catalogue, fix: !check)
            print(TopicReconciler.replicationSummary(catalogue, brokers: try producer.admin.layout().brokers))
            for outcome in outcomes { print(outcome) }
            if outcomes.contains(where: { !$0.drift.isEmpty }) { throw ExitCode(1) }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Each topic's partitions with their offsets, and how far every projection and processor is behind on them.")
        @OptionGroup var options: ExternalServiceOptions
        @OptionGroup var logging: LoggingOptions

        func run() async throws {
            let logger = logging.bootstrap("shikong.topics")
            let configuration = try options.configuration()
            let catalogue = try options.pipeline.catalogue()
            let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(client: configuration.kafkaClient))
            defer { producer.close() }
            let counts = try producer.admin.partitionCounts()
            let lag = try? await Pipeline.withDatabase(configuration.database, logger: logger) { client in
                try await ConsumerLag(client: client, admin: producer.admin, kafka: configuration.kafkaClient, logger: logger)
                    .measure(processors: Pipeline.processorGroups(configuration))
            }
            var table = [["topic", "partition", "low", "high", "consumers (lag)"]]
            for topic in catalogue.topics {
                guard let count = counts[topic.name] else {
                    table.append([topic.name, "-", "-", "-", "missing: run shikong topics apply"])
                    continue
                }
                for partition in 0..<Int32(count) {
                    let key = TopicPartition(topic: topic.name, partition: partition)
                    let (low, high) = try producer.admin.watermarks(key)
                    let consumers = (lag ?? []).filter { $0.partition == key }.map { "\($0.name) (\($0.lag))" }.joined(separator: ", ")
                    table.append([topic.name, String(partition), String(low), String(high), consumers])
                }
            }
            print(render(table))
            if lag == nil { print("(lag not shown: PostgreSQL at \(configuration.database) is not reachable)") }
        }
    }
}

/// Left-aligned columns.
func render(_ rows: [[String]]) -> String {
    let widths = (0..<(rows.map(\.count).max() ?? 0)).map { column in rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
    return rows.map { row in
        row.enumerated().map { index, cell in cell.padding(toLength: widths[index], withPad: " ", startingAt: 0) }.joined(separator: "  ")
            .trimmingCharacters(in: .whitespaces)
    }.joined(separator: "\n")
}

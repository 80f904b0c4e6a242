import ArgumentParser
import Foundation
import Kafka
import Logging
import Platform
import PostgresNIO
import Projections
import ReadModel

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract:
            "Lag and throughput of every projection and processor, dead letters waiting, the archive's size, and every node with its roles, version, partitions, lag and last heartbeat.",
        discussion: """
            Samples positions twice, --interval apart, to measure throughput. Nodes come from their heartbeats (platform_nodes); \
            one silent for three of its heartbeat intervals is marked lost, one that stopped gracefully stopped.
            """)
    @OptionGroup var options: ExternalServiceOptions
    @Option(help: "Seconds between the two samples.")
    var interval = 2.0
    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        let logger = logging.bootstrap("shikong.status")
        let configuration = try options.configuration()
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(client: configuration.kafkaClient))
        defer { producer.close() }
        try await Pipeline.withDatabase(configuration.database, logger: logger) { client in
            let probe = ConsumerLag(client: client, admin: producer.admin, kafka: configuration.kafkaClient, logger: logger)
            let groups = Pipeline.processorGroups(configuration)
            let first = try await probe.measure(processors: groups)
            try await Task.sleep(for: .seconds(interval))
            let second = try await probe.measure(processors: groups)
            var table = [["kind", "name", "lag", "events/s", "last write"]]
            let names = Array(Set(second.map { "\($0.kind)|\($0.name)" })).sorted()
            for key in names {
                let parts = key.split(separator: "|").map(String.init)
                let now = second.filter { $0.kind == parts[0] && $0.name == parts[1] }
                let before = first.filter { $0.kind == parts[0] && $0.name == parts[1] }
                let moved = now.map(\.position).reduce(0, +) - before.map(\.position).reduce(0, +)
                let last = now.compactMap(\.updatedAt).max().map { "\(Int(Date().timeIntervalSince($0)))s ago" } ?? "-"
                table.append([parts[0], parts[1], String(now.map(\.lag).reduce(0, +)), String(format: "%.0f", Double(moved) / interval), last])
            }
            print(render(table))
            let open = try await DeadLetterReads(client: client, logger: logger).openCount()
            let archived = try await ArchiveCounts(client: client, logger: logger).events()
            print("\ndead letters waiting: \(open)    archived events: \(archived)")
            let nodes = try await NodeReads(client: client, logger: logger).all()
            print("\n" + render(Self.nodeTable(nodes)))
        }
    }

    /// One line per node: id, roles, version, state, partitions held (topic[partitions] per group), lag, last heartbeat.
    static func nodeTable(_ nodes: [NodeReads.Node]) -> [[String]] {
        var table = [["node", "roles", "version", "state", "partitions", "lag", "last heartbeat"]]
        for node in nodes {
            let byTopic = Dictionary(grouping: node.partitions, by: \.topic).sorted { $0.key < $1.key }
            let partitions = byTopic.map { topic, held in "\(topic)[\(Set(held.map(\.partition)).sorted().map(String.init).joined(separator: ","))]" }
            table.append([
                node.id, node.roles.joined(separator: "+"), node.version, node.state.rawValue,
                partitions.isEmpty ? "-" : partitions.joined(separator: " "),
                String(node.lag), "\(Int(node.heartbeatAgeSeconds.rounded()))s ago",
            ])
        }
        if nodes.isEmpty { table.append(["(no node has announced itself)", "", "", "", "", "", ""]) }
        return table
    }
}

import Foundation
import Kafka
import Logging
import PostgresNIO
import Synchronization

/// How far each projection and processor is behind its input: the broker's high watermark minus the
/// next offset to read. Projection positions come from PostgreSQL (where they are authoritative),
/// processor positions from their consumer groups, read through one consumer per group that is
/// opened on first use and kept until ``close()``. Broker calls run off the cooperative pool.
public final class ConsumerLag: Sendable {
    public struct Entry: Sendable, Hashable {
        /// `projection` or `processor`.
        public var kind: String
        public var name: String
        public var partition: TopicPartition
        public var position: Int64
        public var end: Int64
        public var lag: Int64 { max(0, end - position) }
        /// When the position last moved (projections only).
        public var updatedAt: Date?
    }

    let client: PostgresClient
    let admin: KafkaAdmin
    let kafka: KafkaClientConfiguration
    let logger: Logger
    private let groups = Mutex<[String: KafkaConsumer]>([:])

    public init(client: PostgresClient, admin: KafkaAdmin, kafka: KafkaClientConfiguration, logger: Logger) {
        self.client = client
        self.admin = admin
        self.kafka = kafka
        self.logger = logger
    }

    deinit {
        close()
    }

    /// Every projection's stored positions, and the given processor groups' committed ones.
    public func measure(processors: [(group: String, topics: [String])] = []) async throws -> [Entry] {
        var ends: [TopicPartition: Int64] = [:]
        func end(_ partition: TopicPartition) async throws -> Int64 {
            if let known = ends[partition] { return known }
            let high = try await admin.fetchWatermarks(partition).high
            ends[partition] = high
            return high
        }
        var entries: [Entry] = []
        let rows = try await client.query(
            """
            SELECT projection, topic, partition, next_offset, updated_at FROM projection_positions
            WHERE projection NOT LIKE '%\\_\\_%' ORDER BY projection, topic, partition
            """, logger: logger)
        for try await (projection, topic, partition, offset, updated) in rows.decode((String, String, Int, Int64, Date).self) {
            let key = TopicPartition(topic: topic, partition: Int32(partition))
            entries.append(
                Entry(kind: "projection", name: projection, partition: key, position: offset, end: try await end(key), updatedAt: updated))
        }
        let counts = try await admin.fetchPartitionCounts()
        for (group, topics) in processors {
            let partitions = topics.flatMap { topic in (0..<Int32(counts[topic] ?? 0)).map { TopicPartition(topic: topic, partition: $0) } }
            guard !partitions.isEmpty else { continue }
            let committed = try await consumer(of: group).committed(partitions)
            for partition in partitions {
                entries.append(
                    Entry(kind: "processor", name: group, partition: partition, position: committed[partition] ?? 0, end: try await end(partition)))
            }
        }
        return entries
    }

    /// Closes the consumers opened to read the groups' positions.
    public func close() {
        let open = groups.withLock { groups in
            defer { groups = [:] }
            return Array(groups.values)
        }
        for consumer in open { consumer.close() }
    }

    /// The consumer that reads `group`'s committed positions (it never joins the group).
    private func consumer(of group: String) throws -> KafkaConsumer {
        try groups.withLock { groups in
            if let consumer = groups[group] { return consumer }
            let consumer = try KafkaConsumer(
                configuration: KafkaConsumerConfiguration(client: kafka, groupID: group), subscription: .partitions([:]), logger: logger)
            groups[group] = consumer
            return consumer
        }
    }

    /// The entries in Prometheus text format (`shikong_consumer_lag` and `shikong_consumer_position`).
    public static func prometheus(_ entries: [Entry]) -> String {
        var lines = [
            "# HELP shikong_consumer_lag Records a projection or processor has yet to read (high watermark minus next offset).",
            "# TYPE shikong_consumer_lag gauge",
        ]
        for entry in entries {
            lines.append(
                #"shikong_consumer_lag{kind="\#(entry.kind)",name="\#(entry.name)",topic="\#(entry.partition.topic)",partition="\#(entry.partition.partition)"} \#(entry.lag)"#
            )
        }
        lines.append("# HELP shikong_consumer_position Next offset a projection or processor reads.")
        lines.append("# TYPE shikong_consumer_position gauge")
        for entry in entries {
            lines.append(
                #"shikong_consumer_position{kind="\#(entry.kind)",name="\#(entry.name)",topic="\#(entry.partition.topic)",partition="\#(entry.partition.partition)"} \#(entry.position)"#
            )
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

import Database
import Events
import Foundation
import Kafka
import Logging
import PostgresNIO

/// Puts back a log the broker lost, from the event archive, before any stage starts.
///
/// The local broker keeps its log in memory. For every partition the archive has read, and the
/// broker now holds none of, the archived records are produced again to the same partition in
/// offset order, with a filler where the archive kept only the first copy of a repeated event, so
/// every record gets back its old offset (the delivery reports are checked). Stored positions then
/// stay valid; a position past what the archive had is moved back to the archive's end. Processors
/// keep their positions in the broker's consumer groups, which are gone too: each resumes at the
/// first input event the archive holds no output of.
public struct LogRecovery: Sendable {
    /// A processor that turns each input event into outputs carrying the same event id (or a dead
    /// letter naming it), and commits its input positions to a consumer group.
    public struct Processor: Sendable {
        public var group: String
        public var input: String
        public var outputs: [String]

        public init(group: String, input: String, outputs: [String]) {
            self.group = group
            self.input = input
            self.outputs = outputs
        }
    }

    public struct Report: Sendable, CustomStringConvertible {
        public var republished = 0
        public var fillers = 0
        public var partitions: [TopicPartition] = []
        /// Partitions whose records did not get their old offsets back: their positions were reset.
        public var shifted: [TopicPartition] = []
        public var processorPositions: [String: [TopicPartition: Int64]] = [:]

        public var description: String {
            partitions.isEmpty
                ? "the broker still has its log"
                : "re-published \(republished) records (\(fillers) fillers) to \(partitions.count) partitions"
                    + (shifted.isEmpty ? "" : "; offsets shifted on \(shifted.map(\.description).sorted()), positions reset")
                    + processorPositions.sorted { $0.key < $1.key }.map { group, positions in
                        "; \(group) resumes at "
                            + positions.sorted { $0.key.description < $1.key.description }.map { "\($0.key)@\($0.value)" }
                            .joined(separator: ",")
                    }.joined()
        }
    }

    let client: PostgresClient
    let producer: KafkaProducer
    let kafka: KafkaClientConfiguration
    let processors: [Processor]
    let logger: Logger

    public init(client: PostgresClient, producer: KafkaProducer, kafka: KafkaClientConfiguration, processors: [Processor], logger: Logger) {
        self.client = client
        self.producer = producer
        self.kafka = kafka
        self.processors = processors
        self.logger = logger
    }

    public func run() async throws -> Report {
        var report = Report()
        let archived = try await archivePositions()
        for (partition, end) in archived.sorted(by: { $0.key.description < $1.key.description }) where end > 0 {
            let high = try await producer.admin.fetchWatermarks(partition).high
            guard high == 0 else {
                if high < end {
                    logger.warning(
                        "the broker holds fewer records than the archive read; leaving the partition as it is",
                        metadata: ["partition": "\(partition)", "broker": "\(high)", "archive": "\(end)"])
                }
                continue
            }
            let (records, fillers, shifted) = try await republish(partition, end: end)
            report.republished += records
            report.fillers += fillers
            report.partitions.append(partition)
            if shifted { report.shifted.append(partition) }
        }
        guard !report.partitions.isEmpty else { return report }
        try await fixPositions(republished: report.partitions, shifted: report.shifted, archived: archived)
        for processor in processors {
            report.processorPositions[processor.group] = try await restoreGroup(processor, archived: archived, shifted: report.shifted)
        }
        logger.notice("log recovered from the archive", metadata: ["report": "\(report)"])
        return report
    }

    /// The archive's next offset per partition: everything before it was read by the archive.
    private func archivePositions() async throws -> [TopicPartition: Int64] {
        try await ProjectionPositions(projection: "archive").all(client: client, logger: logger)
    }

    private func republish(_ partition: TopicPartition, end: Int64) async throws -> (records: Int, fillers: Int, shifted: Bool) {
        let reader = ArchiveReader(client: client, logger: logger)
        var next: Int64 = 0
        var records = 0
        var fillers = 0
        var shifted = false
        while next < end {
            let page = try await reader.page(partition, after: next - 1, limit: 5_000).filter { $0.offset < end }
            var outgoing: [OutgoingRecord] = []
            var expected: [Int64] = []
            for message in page {
                while next < message.offset {
                    outgoing.append(LogFiller.record(topic: partition.topic, partition: partition.partition))
                    expected.append(next)
                    next += 1
                    fillers += 1
                }
                outgoing.append(
                    OutgoingRecord(
                        topic: partition.topic, partition: partition.partition, key: message.key, value: message.value, headers: message.headers,
                        timestampMilliseconds: message.timestampMilliseconds))
                expected.append(message.offset)
                next = message.offset + 1
                records += 1
            }
            if page.isEmpty {
                while next < end {
                    outgoing.append(LogFiller.record(topic: partition.topic, partition: partition.partition))
                    expected.append(next)
                    next += 1
                    fillers += 1
                }
            }
            let deliveries = try await producer.sendAll(outgoing)
            if !shifted, zip(deliveries, expected).contains(where: { $0.offset != $1 }) {
                shifted = true
                logger.error("re-published records did not get their old offsets", metadata: ["partition": "\(partition)"])
            }
        }
        return (records, fillers, shifted)
    }

    /// Positions past the archive's end go back to it; on shifted partitions every position starts over.
    private func fixPositions(republished: [TopicPartition], shifted: [TopicPartition], archived: [TopicPartition: Int64]) async throws {
        try await client.transaction(logger: logger) { connection in
            for partition in republished {
                let isShifted = shifted.contains(partition)
                let end = isShifted ? 0 : archived[partition] ?? 0
                try await connection.query(
                    """
                    UPDATE projection_positions SET next_offset = \(end), updated_at = now()
                    WHERE topic = \(partition.topic) AND partition = \(Int(partition.partition)) AND next_offset > \(end)
                      AND (projection <> 'archive' OR \(isShifted))
                    """, logger: logger)
            }
        }
    }

    /// Commits, for a processor's group, the first input offset per partition whose event has no
    /// archived output; returns what it committed.
    private func restoreGroup(_ processor: Processor, archived: [TopicPartition: Int64], shifted: [TopicPartition]) async throws
        -> [TopicPartition: Int64]
    {
        var positions: [TopicPartition: Int64] = [:]
        for (partition, end) in archived where partition.topic == processor.input {
            positions[partition] = shifted.contains(partition) ? 0 : end
        }
        let rows = try await client.query(
            """
            SELECT r.partition, min(r."offset") FROM event_archive r
            WHERE r.topic = \(processor.input)
              AND NOT EXISTS (SELECT 1 FROM event_archive o WHERE o.event_id = r.event_id AND o.topic = ANY(\(processor.outputs)::text[]))
              AND NOT EXISTS (SELECT 1 FROM dead_letters d WHERE d.event_id = r.event_id)
            GROUP BY r.partition
            """, logger: logger)
        for try await (partition, offset) in rows.decode((Int, Int64).self) {
            let key = TopicPartition(topic: processor.input, partition: Int32(partition))
            if !shifted.contains(key) { positions[key] = min(positions[key] ?? offset, offset) }
        }
        guard !positions.isEmpty else { return [:] }
        let consumer = try KafkaConsumer(
            configuration: KafkaConsumerConfiguration(client: kafka, groupID: processor.group), subscription: .partitions(positions), logger: logger)
        defer { consumer.close() }
        try await consumer.commit(positions)
        return positions
    }

}

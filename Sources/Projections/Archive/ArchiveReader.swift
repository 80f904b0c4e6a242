import Events
import Foundation
import Kafka
import Logging
import NIOCore
import PostgresNIO

/// Reads the event archive back as Kafka records: for rebuilding projections, replaying from a time,
/// and re-publishing a log a broker lost.
public struct ArchiveReader: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Which records to read, by recorded (system) time; `nil` ends are open.
    public struct TimeRange: Sendable {
        public var from: Date?
        public var until: Date?

        public init(from: Date? = nil, until: Date? = nil) {
            self.from = from
            self.until = until
        }

        var fromText: String? { from.map { Timestamp.format($0) } }
        var untilText: String? { until.map { Timestamp.format($0) } }

        public static let all = TimeRange()
    }

    /// Archived partitions of these topics, with how many records each holds in the range and the
    /// offset after the last.
    public func partitions(of topics: [String], in range: TimeRange = .all) async throws -> [(partition: TopicPartition, count: Int, end: Int64)] {
        let rows = try await client.query(
            """
            SELECT topic, partition, count(*)::int8, max("offset") + 1 FROM event_archive
            WHERE topic = ANY(\(topics)::text[])
              AND (\(range.fromText)::timestamptz IS NULL OR recorded_at >= \(range.fromText)::timestamptz)
              AND (\(range.untilText)::timestamptz IS NULL OR recorded_at <= \(range.untilText)::timestamptz)
            GROUP BY topic, partition ORDER BY topic, partition
            """, logger: logger)
        var result: [(partition: TopicPartition, count: Int, end: Int64)] = []
        for try await (topic, partition, count, end) in rows.decode((String, Int, Int64, Int64).self) {
            result.append((TopicPartition(topic: topic, partition: Int32(partition)), Int(count), end))
        }
        return result
    }

    /// Up to `limit` records of a partition with offsets after `offset`, in log order.
    public func page(_ partition: TopicPartition, after offset: Int64, limit: Int, in range: TimeRange = .all) async throws -> [KafkaMessage] {
        let rows = try await client.query(
            """
            SELECT "offset", key, headers::text, value, (extract(epoch FROM recorded_at) * 1000)::int8 FROM event_archive
            WHERE topic = \(partition.topic) AND partition = \(Int(partition.partition)) AND "offset" > \(offset)
              AND (\(range.fromText)::timestamptz IS NULL OR recorded_at >= \(range.fromText)::timestamptz)
              AND (\(range.untilText)::timestamptz IS NULL OR recorded_at <= \(range.untilText)::timestamptz)
            ORDER BY "offset" LIMIT \(limit)
            """, logger: logger)
        var messages: [KafkaMessage] = []
        for try await (recordOffset, key, headers, value, timestamp) in rows.decode((Int64, ByteBuffer?, String, ByteBuffer, Int64).self) {
            messages.append(
                KafkaMessage(
                    topic: partition.topic, partition: partition.partition, offset: recordOffset, key: key.map { Data(buffer: $0) },
                    value: Data(buffer: value), headers: ArchivedHeaders.decode(headers), timestampMilliseconds: timestamp))
        }
        return messages
    }
}

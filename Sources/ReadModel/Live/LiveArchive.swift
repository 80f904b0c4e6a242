import Database
import Events
import Foundation
import JSON
import Kafka
import Logging
import NIOCore
import PostgresNIO

/// What live subscriptions read from the event archive: how far it reaches in each partition,
/// where a `since` time starts, and the events of a partition between two offsets. Positions are
/// the log's own (topic, partition, offset), as the archive keeps them.
public struct LiveArchive: Sendable {
    public let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Per partition, the offset below which the archive holds every event (the archive
    /// projection's stored positions, written with its rows).
    public func archived() async throws -> [TopicPartition: Int64] {
        try await ProjectionPositions(projection: "archive").all(client: client, logger: logger)
    }

    /// Per partition, the offset below which `projection` has applied every event (its stored
    /// positions, written with its rows): what `/items` shows for its collections.
    public func projected(_ projection: String) async throws -> [TopicPartition: Int64] {
        try await ProjectionPositions(projection: projection).all(client: client, logger: logger)
    }

    /// The first offset of `partition` recorded at or after `time`, or `nil` when there is none yet.
    public func firstOffset(_ partition: TopicPartition, recordedSince time: Date) async throws -> Int64? {
        let rows = try await client.query(
            """
            SELECT "offset" FROM event_archive
            WHERE topic = \(partition.topic) AND partition = \(Int(partition.partition)) AND recorded_at >= \(Timestamp.format(time))::timestamptz
            ORDER BY recorded_at, "offset" LIMIT 1
            """, logger: logger)
        for try await offset in rows.decode(Int64.self) { return offset }
        return nil
    }

    /// Up to `limit` events of `partition` with offsets in `from..<to`, in offset order; with a box
    /// (EPSG:4490), only those whose geometry meets it or that have none.
    public func events(
        _ partition: TopicPartition, from: Int64, to: Int64, box: (west: Double, south: Double, east: Double, north: Double)?, limit: Int
    ) async throws -> [LiveEvent] {
        let rows = try await client.query(
            """
            SELECT "offset", event_id, coalesce(type, ''), coalesce(subject, ''), recorded_at, value FROM event_archive
            WHERE topic = \(partition.topic) AND partition = \(Int(partition.partition)) AND "offset" >= \(from) AND "offset" < \(to)
              AND (\(box?.west)::float8 IS NULL OR geom IS NULL
                   OR geom && ST_MakeEnvelope(\(box?.west), \(box?.south), \(box?.east), \(box?.north), 4490))
            ORDER BY "offset" LIMIT \(limit)
            """, logger: logger)
        var events: [LiveEvent] = []
        for try await (offset, id, type, subject, recorded, value) in rows.decode((Int64, UUID, String, String, Date, ByteBuffer).self) {
            let bytes = Array(buffer: value)
            events.append(
                LiveEvent(
                    topic: partition.topic, partition: partition.partition, offset: offset, id: id, type: type, subject: subject,
                    recordedAt: recorded, value: bytes.first == UInt8(ascii: "{") ? try? JSONParser.parse(bytes: bytes) : nil))
        }
        return events
    }
}

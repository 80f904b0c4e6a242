import Kafka
import Logging
import PostgresNIO

/// Consumer positions kept with a projection's rows, written in the same transaction as its effects.
public struct ProjectionPositions: Sendable {
    public let projection: String

    public init(projection: String) {
        self.projection = projection
    }

    /// Stored next offsets of the given partitions.
    public func load(_ partitions: [TopicPartition], client: PostgresClient, logger: Logger) async throws -> [TopicPartition: Int64] {
        let topics = partitions.map(\.topic)
        let numbers = partitions.map { Int($0.partition) }
        return try Self.positions(
            in: try await client.rows(
                """
                SELECT p.topic, p.partition, p.next_offset FROM projection_positions p
                JOIN unnest(\(topics)::text[], \(numbers)::int[]) AS wanted(topic, partition)
                  ON wanted.topic = p.topic AND wanted.partition = p.partition
                WHERE p.projection = \(projection)
                """, logger: logger))
    }

    /// Every stored position of the projection.
    public func all(client: PostgresClient, logger: Logger) async throws -> [TopicPartition: Int64] {
        try Self.positions(
            in: try await client.rows(
                "SELECT topic, partition, next_offset FROM projection_positions WHERE projection = \(projection)", logger: logger))
    }

    private static func positions(in rows: [PostgresRow]) throws -> [TopicPartition: Int64] {
        var positions: [TopicPartition: Int64] = [:]
        for row in rows {
            let (topic, partition, offset) = try row.decode((String, Int, Int64).self)
            positions[TopicPartition(topic: topic, partition: Int32(partition))] = offset
        }
        return positions
    }

    /// Records positions inside the caller's transaction.
    public func save(_ positions: [TopicPartition: Int64], on connection: PostgresConnection, logger: Logger) async throws {
        guard !positions.isEmpty else { return }
        let entries = Array(positions)
        let topics = entries.map(\.key.topic)
        let numbers = entries.map { Int($0.key.partition) }
        let offsets = entries.map(\.value)
        try await connection.query(
            """
            INSERT INTO projection_positions (projection, topic, partition, next_offset)
            SELECT \(projection), * FROM unnest(\(topics)::text[], \(numbers)::int[], \(offsets)::bigint[])
            ON CONFLICT (projection, topic, partition) DO UPDATE SET next_offset = EXCLUDED.next_offset, updated_at = now()
            """, logger: logger)
    }

    /// Forgets every projection's positions: used when the broker's log was replaced (the local
    /// broker keeps its log in memory). Effects are keyed by event id, so re-reading is harmless.
    public static func resetAll(on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("DELETE FROM projection_positions", logger: logger)
    }
}

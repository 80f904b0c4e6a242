import Foundation
import Logging
import NIOCore
import PostgresNIO

/// Reads of the dead-letter projection (`dead_letters`): the list `GET /dlq` shows, one letter, and
/// how many wait (`shikong status`).
public struct DeadLetterReads: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// One dead letter as stored.
    public struct Letter: Sendable {
        public var id: UUID
        public var eventID: UUID?
        public var stage: String
        public var reason: String
        public var failedAt: Date
        public var topic: String
        public var partition: Int
        public var offset: Int64
        public var key: ByteBuffer?
        /// The original Kafka headers, as a JSON object text.
        public var headers: String
        public var original: ByteBuffer
        public var status: String
        public var redrivenAt: Date?
        public var redrivenAs: UUID?
        public var redriveCount: Int
    }

    /// Newest first, filtered by any of `status`, `stage` and `topic`; at most `limit` from `offset`.
    public func list(status: String?, stage: String?, topic: String?, limit: Int, offset: Int) async throws -> [Letter] {
        try await letters(
            client.query(
                """
                SELECT \(unescaped: Self.columns) FROM dead_letters
                WHERE (\(status)::text IS NULL OR status = \(status)) AND (\(stage)::text IS NULL OR stage = \(stage))
                  AND (\(topic)::text IS NULL OR topic = \(topic))
                ORDER BY failed_at DESC, id LIMIT \(limit) OFFSET \(offset)
                """, logger: logger))
    }

    /// The dead letter `id`, or `nil`.
    public func letter(_ id: UUID) async throws -> Letter? {
        try await letters(client.query("SELECT \(unescaped: Self.columns) FROM dead_letters WHERE id = \(id)", logger: logger)).first
    }

    /// Dead letters not re-driven yet.
    public func openCount() async throws -> Int64 {
        try await client.query("SELECT count(*)::int8 FROM dead_letters WHERE status = 'open'", logger: logger).decode(Int64.self).reduce(0, +)
    }

    static let columns =
        #"id, event_id, stage, reason, failed_at, topic, partition, "offset", key, headers::text, original, status, redriven_at, redriven_as, redrive_count"#

    private func letters(_ sequence: PostgresRowSequence) async throws -> [Letter] {
        var letters: [Letter] = []
        let decoded = sequence.decode(
            (UUID, UUID?, String, String, Date, String, Int, Int64, ByteBuffer?, String, ByteBuffer, String, Date?, UUID?, Int).self)
        for try await (id, eventID, stage, reason, failedAt, topic, partition, offset, key, headers, original, status, redrivenAt, redrivenAs, count)
            in decoded
        {
            letters.append(
                Letter(
                    id: id, eventID: eventID, stage: stage, reason: reason, failedAt: failedAt, topic: topic, partition: partition, offset: offset,
                    key: key, headers: headers, original: original, status: status, redrivenAt: redrivenAt, redrivenAs: redrivenAs,
                    redriveCount: count))
        }
        return letters
    }
}

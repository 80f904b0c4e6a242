import Events
import Foundation
import Kafka
import Logging
import PostgresNIO

/// Materialises `gazetteer.changes` into `gazetteer_changes`: every change (an alias added or
/// removed, a division renamed, …) with its envelope and position, so operators can see what was
/// edited and when. The engines themselves follow the topic (``GazetteerFollower``).
public struct GazetteerChangeProjection: Projection {
    public let name = "gazetteer"
    public let topics: [String]
    public let tables = ["gazetteer_changes"]

    public init(topic: String = Topics.gazetteer) {
        topics = [topic]
    }

    public struct Row: Sendable {
        var metadata: EventMetadata
        var partition: Int
        var offset: Int64
        var change: String
    }

    public func prepare(_ messages: [KafkaMessage]) -> (rows: [Row], failures: [ProjectionFailure]) {
        var rows: [Row] = []
        var failures: [ProjectionFailure] = []
        for message in messages where !message.isLogFiller {
            do {
                let (metadata, _) = try GazetteerChangeRecord.decode(message)
                rows.append(
                    Row(
                        metadata: metadata, partition: Int(message.partition), offset: message.offset,
                        change: String(decoding: message.value, as: UTF8.self)))
            } catch {
                failures.append(ProjectionFailure(message: message, reason: error.reason))
            }
        }
        return (rows, failures)
    }

    public func write(_ rows: [Row], on connection: PostgresConnection, tables: ProjectionTables, logger: Logger) async throws {
        guard !rows.isEmpty else { return }
        try await connection.query(
            """
            INSERT INTO \(unescaped: tables["gazetteer_changes"]) (event_id, type, subject, source, recorded_at, partition, "offset", change)
            SELECT id, type, subject, source, recorded_at::timestamptz, part, off, change::jsonb
            FROM unnest(
                \(rows.map(\.metadata.id))::uuid[], \(rows.map(\.metadata.type))::text[], \(rows.map(\.metadata.subject))::text[],
                \(rows.map(\.metadata.source))::text[], \(rows.map { Timestamp.format($0.metadata.recordedAt) })::text[],
                \(rows.map(\.partition))::int[], \(rows.map(\.offset))::int8[], \(rows.map(\.change))::text[]
            ) AS t(id, type, subject, source, recorded_at, part, off, change)
            ON CONFLICT (event_id) DO NOTHING
            """, logger: logger)
    }
}

import Events
import Foundation
import Kafka
import Logging
import NIOCore
import PostgresNIO

/// Materialises the `dlq` topic into `dead_letters`: every dead letter with its stage, reason, where
/// it was read and its original bytes, and whether it was re-driven (`dead.letter.redriven`). The
/// original bytes of a message too large for the topic are not in the event but in
/// `dead_letter_payloads` (the MQTT bridge keeps them there): the row takes them from there.
public struct DeadLetterProjection: Projection {
    public let name = "dead_letters"
    public let topics: [String]
    public let tables = ["dead_letters"]

    public init(topic: String = Topics.deadLetters) {
        topics = [topic]
    }

    public struct Rows: Sendable {
        var letters: [DeadLetter] = []
        var redrives: [DeadLetterRedrive] = []
    }

    private static let decoder = EventJSON.decoder()

    public func prepare(_ messages: [KafkaMessage]) -> (rows: Rows, failures: [ProjectionFailure]) {
        var rows = Rows()
        var failures: [ProjectionFailure] = []
        for message in messages {
            do {
                switch message.header("ce_type") {
                case "dead.letter": rows.letters.append(try Self.decoder.decode(DeadLetter.self, from: message.value))
                case "dead.letter.redriven": rows.redrives.append(try Self.decoder.decode(DeadLetterRedrive.self, from: message.value))
                default: continue
                }
            } catch {
                // A malformed dead letter cannot go back to the dead-letter topic it came from; log it.
                failures.append(ProjectionFailure(message: message, reason: "unreadable \(message.header("ce_type") ?? "record"): \(error)"))
            }
        }
        return (rows, failures)
    }

    public func write(_ rows: Rows, on connection: PostgresConnection, tables: ProjectionTables, logger: Logger) async throws {
        let letters = rows.letters
        if !letters.isEmpty {
            let headers = letters.map { letter in
                String(
                    decoding: (try? JSONSerialization.data(withJSONObject: letter.headers, options: [.sortedKeys])) ?? Data("{}".utf8), as: UTF8.self)
            }
            try await connection.query(
                """
                INSERT INTO \(unescaped: tables["dead_letters"]) (id, event_id, stage, reason, failed_at, topic, partition, "offset", key, headers, original)
                SELECT id, NULLIF(event_id, '')::uuid, stage, reason, failed_at::timestamptz, topic, part, off, CASE WHEN has_key THEN k END, h::jsonb,
                    COALESCE((SELECT p.original FROM dead_letter_payloads p WHERE p.id = t.id), v)
                FROM unnest(
                    \(letters.map(\.id))::uuid[], \(letters.map { $0.eventID?.uuidString ?? "" })::text[], \(letters.map(\.stage))::text[],
                    \(letters.map(\.reason))::text[], \(letters.map { Timestamp.format($0.failedAt) })::text[], \(letters.map(\.topic))::text[],
                    \(letters.map { Int($0.partition) })::int[], \(letters.map(\.offset))::int8[],
                    \(letters.map { ByteBuffer(bytes: $0.key ?? Data()) })::bytea[], \(letters.map { $0.key != nil })::bool[], \(headers)::text[],
                    \(letters.map { ByteBuffer(bytes: $0.original) })::bytea[]
                ) AS t(id, event_id, stage, reason, failed_at, topic, part, off, k, has_key, h, v)
                ON CONFLICT (id) DO NOTHING
                """, logger: logger)
        }
        for redrive in rows.redrives {
            try await connection.query(
                """
                UPDATE \(unescaped: tables["dead_letters"])
                SET status = 'redriven', redriven_at = \(Timestamp.format(redrive.redrivenAt))::timestamptz, redriven_as = \(redrive.redrivenAs),
                    redrive_count = redrive_count + 1
                WHERE id = \(redrive.id) AND (redriven_at IS NULL OR redriven_at < \(Timestamp.format(redrive.redrivenAt))::timestamptz)
                """, logger: logger)
        }
    }
}

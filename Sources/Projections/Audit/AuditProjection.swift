import Events
import Foundation
import Kafka
import Logging
import PostgresNIO

/// Materialises the `audit` topic into `audit_log`, chaining every entry to the one before it:
/// `hash = SHA-256(previous hash ‖ record)`, where `record` is the entry's JSON exactly as stored.
/// Altering, removing or inserting a row breaks the chain from that row on, which
/// `shikong audit verify` (``AuditChain``) finds. Entries are applied one at a time, in log order,
/// each at most once (keyed by its id).
public struct AuditProjection: Projection {
    public static let projectionName = "audit"
    public let name = Self.projectionName
    public let topics: [String]
    public let tables = ["audit_log"]

    public init(topic: String = Topics.audit) {
        topics = [topic]
    }

    private static let decoder = EventJSON.decoder()

    public func prepare(_ messages: [KafkaMessage]) -> (rows: [(AuditRecord, String)], failures: [ProjectionFailure]) {
        var rows: [(AuditRecord, String)] = []
        var failures: [ProjectionFailure] = []
        for message in messages where message.header("ce_type") == AuditRecord.type {
            do {
                rows.append((try Self.decoder.decode(AuditRecord.self, from: message.value), String(decoding: message.value, as: UTF8.self)))
            } catch {
                failures.append(ProjectionFailure(message: message, reason: "unreadable audit record: \(error)"))
            }
        }
        return (rows, failures)
    }

    public func write(_ rows: [(AuditRecord, String)], on connection: PostgresConnection, tables: ProjectionTables, logger: Logger) async throws {
        for (entry, text) in rows {
            try await connection.query(
                """
                INSERT INTO \(unescaped: tables["audit_log"]) (id, at, user_name, action, collections, status, outcome, record, previous_hash, hash)
                SELECT \(entry.id), \(entry.at), \(entry.user), \(entry.action), \(entry.collections), \(entry.status), \(entry.outcome),
                    \(text), p.h, encode(sha256(convert_to(p.h || \(text), 'UTF8')), 'hex')
                FROM (SELECT coalesce((SELECT hash FROM \(unescaped: tables["audit_log"]) ORDER BY seq DESC LIMIT 1), '') AS h) AS p
                WHERE NOT EXISTS (SELECT 1 FROM \(unescaped: tables["audit_log"]) WHERE id = \(entry.id))
                """, logger: logger)
        }
    }
}

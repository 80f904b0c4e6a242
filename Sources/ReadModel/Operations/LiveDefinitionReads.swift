import Foundation
import Logging
import PostgresNIO

/// Reads of the live layer's definitions (`live_definitions`) and of alerts as they stand, for the
/// API's listing and command routes.
public struct LiveDefinitionReads: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// A stored definition: its JSON text and when it was last set.
    public struct Stored: Sendable {
        public var id: String
        public var definition: String
        public var eventID: UUID
        public var source: String
        public var updatedAt: Date
    }

    /// The definitions of `kind` (`aggregation`, `geofence`, `rule`) not deleted, by id.
    public func list(kind: String, limit: Int, offset: Int) async throws -> [Stored] {
        let rows = try await client.query(
            """
            SELECT id, definition::text, event_id, source, updated_at FROM live_definitions
            WHERE kind = \(kind) AND NOT deleted ORDER BY id LIMIT \(limit) OFFSET \(offset)
            """, logger: logger)
        var found: [Stored] = []
        for try await (id, definition, eventID, source, updatedAt) in rows.decode((String, String, UUID, String, Date).self) {
            found.append(Stored(id: id, definition: definition, eventID: eventID, source: source, updatedAt: updatedAt))
        }
        return found
    }

    /// One definition, or `nil` when there is none (or it was deleted).
    public func definition(kind: String, id: String) async throws -> Stored? {
        let rows = try await client.query(
            """
            SELECT id, definition::text, event_id, source, updated_at FROM live_definitions
            WHERE kind = \(kind) AND id = \(id) AND NOT deleted
            """, logger: logger)
        for try await (id, definition, eventID, source, updatedAt) in rows.decode((String, String, UUID, String, Date).self) {
            return Stored(id: id, definition: definition, eventID: eventID, source: source, updatedAt: updatedAt)
        }
        return nil
    }

    /// What an acknowledgement needs of an alert: its rule, kind, subject, fence, severity and status.
    public struct AlertSummary: Sendable {
        public var rule: String
        public var kind: String
        public var subject: String
        public var fence: String?
        public var severity: String
        public var status: String
        public var message: String
        public var acknowledged: Bool
    }

    public func alert(_ id: UUID) async throws -> AlertSummary? {
        let rows = try await client.query(
            "SELECT rule, kind, subject, fence, severity, status, message, acknowledged_at IS NOT NULL FROM alerts WHERE alert_id = \(id)",
            logger: logger)
        for try await (rule, kind, subject, fence, severity, status, message, acknowledged) in rows.decode(
            (String, String, String, String?, String, String, String, Bool).self)
        {
            return AlertSummary(
                rule: rule, kind: kind, subject: subject, fence: fence, severity: severity, status: status, message: message,
                acknowledged: acknowledged)
        }
        return nil
    }
}

import Logging
import PostgresNIO

/// Reads of the gazetteer-change projection (`gazetteer_changes`): `GET /gazetteer/changes`.
public struct GazetteerChangeReads: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// The latest `limit` changes, each as a JSON object text (id, type, subject, source, recorded_at, change).
    public func latest(limit: Int) async throws -> [String] {
        let rows = try await client.query(
            """
            SELECT json_build_object('id', event_id, 'type', type, 'subject', subject, 'source', source, 'recorded_at', recorded_at,
                'change', change)::text
            FROM gazetteer_changes ORDER BY partition, "offset" DESC LIMIT \(limit)
            """, logger: logger)
        var items: [String] = []
        for try await item in rows.decode(String.self) { items.append(item) }
        return items
    }
}

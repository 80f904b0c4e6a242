import Events
import Foundation
import Kafka
import Logging
import PostgresNIO

/// Keeps the latest state of every import job in `import_jobs`, from the `jobs` topic.
public struct ImportJobProjection: Projection {
    public let name = "import_jobs"
    public let topics: [String]
    public let tables = ["import_jobs"]

    public init(topic: String = Topics.jobs) {
        topics = [topic]
    }

    private static let decoder = EventJSON.decoder()

    public func prepare(_ messages: [KafkaMessage]) -> (rows: [ImportJobEvent], failures: [ProjectionFailure]) {
        var events: [ImportJobEvent] = []
        var failures: [ProjectionFailure] = []
        for message in messages where message.header("ce_type")?.hasPrefix("import.") == true {
            do {
                events.append(try Self.decoder.decode(ImportJobEvent.self, from: message.value))
            } catch {
                failures.append(ProjectionFailure(message: message, reason: "not an import job event: \(error)"))
            }
        }
        return (events, failures)
    }

    public func write(_ events: [ImportJobEvent], on connection: PostgresConnection, tables: ProjectionTables, logger: Logger) async throws {
        for event in events {
            try await connection.query(
                """
                INSERT INTO \(unescaped: tables["import_jobs"]) AS j
                    (id, collection, file, status, total, read, upserted, unchanged, retired, failed, message, started_at, updated_at)
                VALUES (\(event.job), \(event.collection), \(event.file), \(event.status.rawValue), \(event.total), \(event.counts.read),
                        \(event.counts.upserted), \(event.counts.unchanged), \(event.counts.retired), \(event.counts.failed), \(event.message),
                        \(Timestamp.format(event.at))::timestamptz, \(Timestamp.format(event.at))::timestamptz)
                ON CONFLICT (id) DO UPDATE SET
                    status = EXCLUDED.status, total = coalesce(EXCLUDED.total, j.total), read = EXCLUDED.read, upserted = EXCLUDED.upserted,
                    unchanged = EXCLUDED.unchanged, retired = EXCLUDED.retired, failed = EXCLUDED.failed,
                    message = coalesce(EXCLUDED.message, j.message), updated_at = EXCLUDED.updated_at
                WHERE j.updated_at <= EXCLUDED.updated_at AND j.status NOT IN ('completed', 'failed')
                """, logger: logger)
        }
    }
}

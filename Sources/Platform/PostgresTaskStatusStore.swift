import Events
import Foundation
import Ingest
import JSON
import Logging
import PostgresNIO

/// Keeps a process's task figures in `task_status`: one row per task and process, replaced every
/// few seconds; the rows of tasks the process no longer runs are removed.
struct PostgresTaskStatusStore: TaskStatusStore {
    let client: PostgresClient
    let logger: Logger

    func save(_ snapshots: [TaskStatusSnapshot], process: String) async throws {
        let now = Timestamp.format(Date())
        try await client.transaction(logger: logger) { connection in
            for snapshot in snapshots {
                try await connection.query(
                    """
                    INSERT INTO task_status (task_id, process, kind, running, messages, bytes, errors, messages_per_second, bytes_per_second,
                        errors_per_second, last_message_at, last_error, last_error_at, details, updated_at)
                    VALUES (\(snapshot.taskID), \(process), \(snapshot.kind), \(snapshot.running), \(snapshot.messages), \(snapshot.bytes),
                        \(snapshot.errors), \(snapshot.messagesPerSecond), \(snapshot.bytesPerSecond), \(snapshot.errorsPerSecond),
                        \(snapshot.lastMessageAt.map(Timestamp.format))::timestamptz, \(snapshot.lastError),
                        \(snapshot.lastErrorAt.map(Timestamp.format))::timestamptz, \(snapshot.details.text)::jsonb, \(now)::timestamptz)
                    ON CONFLICT (task_id, process) DO UPDATE SET
                        kind = EXCLUDED.kind, running = EXCLUDED.running, messages = EXCLUDED.messages, bytes = EXCLUDED.bytes,
                        errors = EXCLUDED.errors, messages_per_second = EXCLUDED.messages_per_second,
                        bytes_per_second = EXCLUDED.bytes_per_second, errors_per_second = EXCLUDED.errors_per_second,
                        last_message_at = EXCLUDED.last_message_at, last_error = EXCLUDED.last_error,
                        last_error_at = EXCLUDED.last_error_at, details = EXCLUDED.details, updated_at = EXCLUDED.updated_at
                    """, logger: logger)
            }
            try await connection.query(
                "DELETE FROM task_status WHERE process = \(process) AND NOT (task_id = ANY(\(snapshots.map(\.taskID))::text[]))", logger: logger)
        }
    }
}

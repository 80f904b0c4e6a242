import Events
import Foundation
import Kafka
import Logging
import PostgresNIO

/// Materialises `tasks` into `tasks` (each task as it stands, deleted ones as tombstones) and
/// `task_changes` (every change with its editor and the task after it: the history).
///
/// A change is recorded once per event id; the task row takes it only when it is newer (UUIDv7) than
/// the change the row holds, and counts it in `version`. So redeliveries and replays change nothing.
public struct TaskProjection: Projection {
    public let name = "tasks"
    public let topics: [String]
    public let tables = ["tasks", "task_changes"]

    public init(topic: String = Topics.tasks) {
        topics = [topic]
    }

    public func prepare(_ messages: [KafkaMessage]) -> (rows: [TaskEvent], failures: [ProjectionFailure]) {
        var events: [TaskEvent] = []
        var failures: [ProjectionFailure] = []
        for message in messages where message.header("ce_type")?.hasPrefix("task.") == true {
            do {
                events.append(try TaskEvent.decode(message))
            } catch {
                failures.append(ProjectionFailure(message: message, reason: error.reason))
            }
        }
        return (events, failures)
    }

    public func write(_ events: [TaskEvent], on connection: PostgresConnection, tables: ProjectionTables, logger: Logger) async throws {
        let encoder = EventJSON.encoder()
        for event in events {
            let task = event.data
            let taskJSON = String(decoding: try encoder.encode(task), as: UTF8.self)
            let recorded = Timestamp.format(event.recordedAt)
            try await connection.query(
                """
                WITH change AS (
                    INSERT INTO \(unescaped: tables["task_changes"]) (event_id, task_id, version, type, editor, recorded_at, task)
                    SELECT \(event.id), \(task.id),
                           coalesce((SELECT max(version) FROM \(unescaped: tables["task_changes"]) WHERE task_id = \(task.id)), 0) + 1,
                           \(event.type), \(task.editor), \(recorded)::timestamptz, \(taskJSON)::jsonb
                    ON CONFLICT (event_id) DO NOTHING
                    RETURNING version
                )
                INSERT INTO \(unescaped: tables["tasks"]) AS t (id, kind, name, definition, state, owner, editor, version, event_id, created_at, updated_at)
                SELECT \(task.id), \(task.kind.rawValue), \(task.name), (\(taskJSON)::jsonb)->'definition', \(task.state.rawValue), \(task.owner),
                       \(task.editor), change.version, \(event.id), \(recorded)::timestamptz, \(recorded)::timestamptz
                FROM change
                ON CONFLICT (id) DO UPDATE SET
                    kind = EXCLUDED.kind, name = EXCLUDED.name, definition = EXCLUDED.definition, state = EXCLUDED.state,
                    owner = EXCLUDED.owner, editor = EXCLUDED.editor, version = EXCLUDED.version, event_id = EXCLUDED.event_id,
                    updated_at = EXCLUDED.updated_at
                WHERE t.event_id < EXCLUDED.event_id
                """, logger: logger)
        }
    }
}

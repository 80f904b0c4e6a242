import Events
import Foundation
import Kafka
import Logging
import PostgresNIO

/// Materialises `task.runs` into `task_runs` (each run of a crawl or API poll, its state and counts)
/// and `crawl_pages` (each crawled URL's latest outcome per task: what a later run's conditional
/// GETs send, and the failures a task's status lists).
///
/// A row takes an event only when it is newer (UUIDv7) than the one it holds, so redeliveries and
/// replays change nothing.
public struct TaskRunProjection: Projection {
    public let name = "task-runs"
    public let topics: [String]
    public let tables = ["task_runs", "crawl_pages"]

    public init(topic: String = Topics.taskRuns) {
        topics = [topic]
    }

    public func prepare(_ messages: [KafkaMessage]) -> (rows: [TaskRunEvent], failures: [ProjectionFailure]) {
        var events: [TaskRunEvent] = []
        var failures: [ProjectionFailure] = []
        for message in messages where message.header("ce_type")?.hasPrefix("task.run.") == true {
            do {
                events.append(try TaskRunEvent.decode(message.value))
            } catch {
                failures.append(ProjectionFailure(message: message, reason: error.reason))
            }
        }
        return (events, failures)
    }

    public func write(_ events: [TaskRunEvent], on connection: PostgresConnection, tables: ProjectionTables, logger: Logger) async throws {
        for event in events {
            let run = event.data
            if let page = run.page {
                try await connection.query(
                    """
                    INSERT INTO \(unescaped: tables["crawl_pages"]) AS p (task_id, url, run_id, depth, status, http_status, error, etag,
                        last_modified, content_hash, bytes, redirect_to, items, links, fetched_at, event_id)
                    VALUES (\(run.taskID), \(page.url), \(run.runID), \(page.depth), \(page.status.rawValue), \(page.httpStatus), \(page.error),
                        \(page.etag), \(page.lastModified), \(page.contentHash), \(page.bytes), \(page.redirectTo), \(page.items), \(page.links)::text[],
                        \(Timestamp.format(page.fetchedAt))::timestamptz, \(event.id))
                    ON CONFLICT (task_id, url) DO UPDATE SET
                        run_id = EXCLUDED.run_id, depth = EXCLUDED.depth, status = EXCLUDED.status, http_status = EXCLUDED.http_status,
                        error = EXCLUDED.error, etag = EXCLUDED.etag, last_modified = EXCLUDED.last_modified,
                        content_hash = EXCLUDED.content_hash, bytes = EXCLUDED.bytes, redirect_to = EXCLUDED.redirect_to,
                        items = EXCLUDED.items, links = EXCLUDED.links, fetched_at = EXCLUDED.fetched_at, event_id = EXCLUDED.event_id
                    WHERE p.event_id < EXCLUDED.event_id
                    """, logger: logger)
            } else {
                let counts = String(decoding: try EventJSON.encoder().encode(run.counts), as: UTF8.self)
                try await connection.query(
                    """
                    INSERT INTO \(unescaped: tables["task_runs"]) AS r (run_id, task_id, kind, state, started_at, finished_at, counts, error, event_id)
                    VALUES (\(run.runID), \(run.taskID), \(run.kind), \(run.state.rawValue), \(Timestamp.format(run.startedAt))::timestamptz,
                        \(run.finishedAt.map(Timestamp.format))::timestamptz, \(counts)::jsonb, \(run.error), \(event.id))
                    ON CONFLICT (run_id) DO UPDATE SET
                        state = EXCLUDED.state, finished_at = EXCLUDED.finished_at, counts = EXCLUDED.counts, error = EXCLUDED.error,
                        event_id = EXCLUDED.event_id
                    WHERE r.event_id < EXCLUDED.event_id
                    """, logger: logger)
            }
        }
    }
}

import Database
import Foundation
import JSON
import Logging
import PostgresNIO

/// Reads of the task projection (`tasks`, `task_changes`) and of the figures the runtimes publish
/// (`task_status`): what `/tasks…` and `/metrics` show.
public struct TaskReads: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// A task as it stands.
    public struct StoredTask: Sendable {
        public var id: String
        public var kind: String
        public var name: String?
        public var definition: JSONValue
        public var state: String
        public var owner: String
        public var editor: String
        /// How many changes it has had: the `ETag`.
        public var version: Int
        public var eventID: UUID
        public var createdAt: Date
        public var updatedAt: Date
    }

    /// One change of a task.
    public struct Change: Sendable {
        public var version: Int
        public var eventID: UUID
        public var type: String
        public var editor: String
        public var recordedAt: Date
        /// The task as it stood after the change.
        public var task: JSONValue
    }

    /// A task's figures, summed over the processes that reported in the last `freshness`.
    public struct Status: Sendable {
        public var processes: [String] = []
        public var running = false
        public var messages: Int64 = 0
        public var bytes: Int64 = 0
        public var errors: Int64 = 0
        public var messagesPerSecond = 0.0
        public var bytesPerSecond = 0.0
        public var errorsPerSecond = 0.0
        public var lastMessageAt: Date?
        public var lastError: String?
        public var lastErrorAt: Date?
        public var details: [JSONValue] = []
        /// Dead letters of the task's events (stages downstream of the runner), in the last minute and in all.
        public var deadLettersLastMinute: Int64 = 0
        public var deadLetters: Int64 = 0

        /// Adds one process's figures.
        mutating func add(
            process: String, running: Bool, counts: (messages: Int64, bytes: Int64, errors: Int64), rates: (Double, Double, Double),
            lastMessage: Date?
        ) {
            processes.append(process)
            self.running = self.running || running
            messages += counts.messages
            bytes += counts.bytes
            errors += counts.errors
            messagesPerSecond += rates.0
            bytesPerSecond += rates.1
            errorsPerSecond += rates.2
            if let lastMessage, lastMessage > (lastMessageAt ?? .distantPast) { lastMessageAt = lastMessage }
        }
    }

    private static let columns = "id, kind, name, definition::text, state, owner, editor, version, event_id, created_at, updated_at"

    /// Tasks by id, filtered by kind and state (deleted ones only when `state` asks for them).
    public func list(kind: String?, state: String?, limit: Int, offset: Int) async throws -> [StoredTask] {
        try await tasks(
            client.rows(
                """
                SELECT \(unescaped: Self.columns) FROM tasks
                WHERE (\(kind)::text IS NULL OR kind = \(kind))
                  AND (CASE WHEN \(state)::text IS NULL THEN state <> 'deleted' ELSE state = \(state) END)
                ORDER BY id LIMIT \(limit) OFFSET \(offset)
                """, logger: logger))
    }

    /// The task `id` (deleted ones too), or `nil`.
    public func task(_ id: String) async throws -> StoredTask? {
        try await tasks(client.rows("SELECT \(unescaped: Self.columns) FROM tasks WHERE id = \(id)", logger: logger)).first
    }

    /// Every change of the task, oldest first.
    public func history(_ id: String) async throws -> [Change] {
        try await client.rows(
            "SELECT version, event_id, type, editor, recorded_at, task::text FROM task_changes WHERE task_id = \(id) ORDER BY version",
            logger: logger
        ).map { row in
            let (version, event, type, editor, recorded, task) = try row.decode((Int, UUID, String, String, Date, String).self)
            return Change(
                version: version, eventID: event, type: type, editor: editor, recordedAt: recorded, task: (try? JSONParser.parse(task)) ?? .null)
        }
    }

    /// Waits until the projection holds the change `event` (or a later one) of the task; returns
    /// the task then, or `nil` if it did not within `timeout`.
    public func waitForChange(_ event: UUID, of id: String, timeout: Duration) async throws -> StoredTask? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let task = try await task(id), task.eventID >= event { return task }
            try await Task.sleep(for: .milliseconds(25))
        }
        return nil
    }

    /// The task's figures from every process that reported within `freshness`, and its dead letters.
    public func status(_ id: String, freshness: Duration = .seconds(30)) async throws -> Status {
        var status = Status()
        let seconds = Double(freshness.components.seconds)
        let rows = try await client.rows(
            """
            SELECT process, running, messages, bytes, errors, messages_per_second, bytes_per_second, errors_per_second, last_message_at,
                   last_error, last_error_at, details::text
            FROM task_status WHERE task_id = \(id) AND updated_at > now() - make_interval(secs => \(seconds))
            ORDER BY process
            """, logger: logger)
        for row in rows {
            let (process, running, messages, bytes, errors, mps, bps, eps, lastMessage, lastError, lastErrorAt, details) = try row.decode(
                (String, Bool, Int64, Int64, Int64, Double, Double, Double, Date?, String?, Date?, String).self)
            status.add(process: process, running: running, counts: (messages, bytes, errors), rates: (mps, bps, eps), lastMessage: lastMessage)
            if let lastErrorAt, lastErrorAt > (status.lastErrorAt ?? .distantPast) {
                status.lastErrorAt = lastErrorAt
                status.lastError = lastError
            }
            if let parsed = try? JSONParser.parse(details) { status.details.append(parsed) }
        }
        let counts = try await client.rows(
            """
            SELECT count(*) FILTER (WHERE failed_at > now() - interval '1 minute')::int8, count(*)::int8
            FROM dead_letters WHERE headers->>'ce_task' = \(id)
            """, logger: logger)
        if let row = counts.first { (status.deadLettersLastMinute, status.deadLetters) = try row.decode((Int64, Int64).self) }
        return status
    }

    /// Every task's figures (fresh rows only), for `/metrics`.
    public func allStatus(freshness: Duration = .seconds(30)) async throws -> [(task: String, kind: String, status: Status)] {
        let seconds = Double(freshness.components.seconds)
        var byTask: [String: (kind: String, status: Status)] = [:]
        for row in try await client.rows(
            """
            SELECT task_id, kind, process, running, messages, bytes, errors, messages_per_second, bytes_per_second, errors_per_second, last_message_at
            FROM task_status WHERE updated_at > now() - make_interval(secs => \(seconds))
            """, logger: logger)
        {
            let (task, kind, process, running, messages, bytes, errors, mps, bps, eps, lastMessage) = try row.decode(
                (String, String, String, Bool, Int64, Int64, Int64, Double, Double, Double, Date?).self)
            var entry = byTask[task] ?? (kind, Status())
            entry.status.add(process: process, running: running, counts: (messages, bytes, errors), rates: (mps, bps, eps), lastMessage: lastMessage)
            byTask[task] = entry
        }
        return byTask.sorted { $0.key < $1.key }.map { ($0.key, $0.value.kind, $0.value.status) }
    }

    private func tasks(_ rows: [PostgresRow]) throws -> [StoredTask] {
        try rows.map { row in
            let (id, kind, name, definition, state, owner, editor, version, event, created, updated) = try row.decode(
                (String, String, String?, String, String, String, String, Int, UUID, Date, Date).self)
            return StoredTask(
                id: id, kind: kind, name: name, definition: (try? JSONParser.parse(definition)) ?? .null, state: state, owner: owner, editor: editor,
                version: version, eventID: event, createdAt: created, updatedAt: updated)
        }
    }
}

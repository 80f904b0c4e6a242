import Foundation
import JSON
import Synchronization

/// What a runner measures about its task, live: messages and bytes taken in, errors, the last
/// message, and rates over the last ten seconds. Runners call it from any thread; it is cheap (one
/// lock, no allocation) so a feed can call it for every message.
public final class TaskMonitor: Sendable {
    public let taskID: String
    public let kind: String
    private static let window = 10
    private let state: Mutex<State>

    struct State {
        var running = false
        var messages: Int64 = 0
        var bytes: Int64 = 0
        var errors: Int64 = 0
        var lastMessage: Date?
        var lastError: (text: String, at: Date)?
        /// Per-second buckets of the last `window` seconds: (second, messages, bytes, errors).
        var buckets = Array(repeating: (second: Int64(0), messages: 0, bytes: 0, errors: 0), count: TaskMonitor.window)
        var details: [String: JSONValue] = [:]
    }

    public init(taskID: String, kind: String) {
        self.taskID = taskID
        self.kind = kind
        state = Mutex(State())
    }

    /// One message (a reading, a page, a record) of `bytes` taken in.
    public func recordMessage(bytes: Int, at date: Date = Date()) {
        let second = Int64(date.timeIntervalSince1970)
        state.withLock { state in
            state.messages += 1
            state.bytes += Int64(bytes)
            state.lastMessage = date
            Self.bucket(&state, second) {
                $0.messages += 1; $0.bytes += bytes
            }
        }
    }

    /// One failure (a message refused, a fetch failed), with what went wrong.
    public func recordError(_ description: String, at date: Date = Date()) {
        let second = Int64(date.timeIntervalSince1970)
        state.withLock { state in
            state.errors += 1
            state.lastError = (String(description.prefix(500)), date)
            Self.bucket(&state, second) { $0.errors += 1 }
        }
    }

    /// Kind-specific figures shown with the status, e.g. an MQTT feed's subscription state or a
    /// crawl's queue length.
    public func setDetail(_ name: String, _ value: JSONValue) {
        state.withLock { $0.details[name] = value }
    }

    /// Whether the runner is running now (set by the runtime).
    public func setRunning(_ running: Bool) {
        state.withLock { $0.running = running }
    }

    /// The figures now.
    public func snapshot(at date: Date = Date()) -> TaskStatusSnapshot {
        let now = Int64(date.timeIntervalSince1970)
        return state.withLock { state in
            // The current second is still filling: rates are over the `window` seconds before it.
            var messages = 0
            var bytes = 0
            var errors = 0
            for bucket in state.buckets where bucket.second < now && bucket.second >= now - Int64(Self.window) {
                messages += bucket.messages
                bytes += bucket.bytes
                errors += bucket.errors
            }
            let seconds = Double(Self.window)
            return TaskStatusSnapshot(
                taskID: taskID, kind: kind, running: state.running, messages: state.messages, bytes: state.bytes, errors: state.errors,
                messagesPerSecond: Double(messages) / seconds, bytesPerSecond: Double(bytes) / seconds, errorsPerSecond: Double(errors) / seconds,
                lastMessageAt: state.lastMessage, lastError: state.lastError?.text, lastErrorAt: state.lastError?.at,
                details: .object(state.details.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }))
        }
    }

    private static func bucket(
        _ state: inout State, _ second: Int64, _ change: (inout (second: Int64, messages: Int, bytes: Int, errors: Int)) -> Void
    ) {
        let index = Int(second % Int64(window))
        if state.buckets[index].second != second { state.buckets[index] = (second, 0, 0, 0) }
        change(&state.buckets[index])
    }
}

/// A task's figures at one moment, as one process measured them.
public struct TaskStatusSnapshot: Sendable {
    public var taskID: String
    public var kind: String
    public var running: Bool
    public var messages: Int64
    public var bytes: Int64
    public var errors: Int64
    public var messagesPerSecond: Double
    public var bytesPerSecond: Double
    public var errorsPerSecond: Double
    public var lastMessageAt: Date?
    public var lastError: String?
    public var lastErrorAt: Date?
    public var details: JSONValue
}

/// Where a process keeps its tasks' figures for the API to read (the platform writes them to
/// PostgreSQL, `task_status`). Called every few seconds with every monitor of the process.
public protocol TaskStatusStore: Sendable {
    func save(_ snapshots: [TaskStatusSnapshot], process: String) async throws
}

import Events
import Foundation
import JSON
import Synchronization

/// Runs the tasks of one kind (`mqtt-feed`, `crawl`, `api-poll`, …) in a process: the runner protocol
/// every kind of task implements.
///
/// 1. A module that brings a kind of task provides a `TaskRunnerFactory`, and the platform gives it to
///    the `TaskRuntime` of every process that runs the stage doing that work (`Pipeline`: the
///    `ingest` stage for MQTT feeds). Its `TaskDefinitionValidator` goes to the API, which refuses a
///    definition it does not accept before anything is saved.
/// 2. The runtime reads the `tasks` topic from its start in every such process. While a task of the
///    factory's kind is `active`, the runtime holds a runner for it, made by `makeRunner(for:context:)`,
///    and calls its `run()` in a Swift task of its own.
/// 3. When the task is paused or deleted, or the process stops, the runtime cancels that Swift task and
///    waits for `run()` to return. `run()` must then stop taking new work promptly and finish or hand
///    back what is in flight so nothing is lost (an MQTT feed unsubscribes, and what the broker already
///    sent still goes to the log), and keep any progress it needs to resume (a crawl's frontier) where
///    a later runner of the same task finds it: a resume is a new runner.
/// 4. When an active task changes, the runtime first offers the new task to the running runner
///    (`update(to:)`); if it returns `false` (the default) the runner is stopped as in 3 and a new one
///    started with the new definition.
/// 5. A runner reports through its `TaskRunContext`: `ready()` once it really runs (a feed: its
///    subscription acknowledged — the process is not ready until every active task's runner is), and
///    `monitor` for messages, bytes, errors and kind-specific details, which the runtime publishes for
///    `GET /tasks/{id}/status` and `/metrics`.
/// 6. If `run()` throws, the error becomes the task's last error and the runtime makes a new runner
///    after a back-off (1 s, doubling up to a minute) while the task stays active. If `run()` returns
///    without being cancelled, the task has done its work (a one-off crawl): nothing is restarted
///    until the task changes or is resumed.
/// 7. After a deletion the runtime calls `didDelete(_:)`, so the factory can drop what it kept for
///    the task.
public protocol TaskRunnerFactory: Sendable {
    /// The kind of task it runs.
    var kind: TaskKind { get }
    /// A runner for the task as it stands (state `active`). Throwing counts as a failed run (see 6).
    func makeRunner(for task: PlatformTask, context: TaskRunContext) throws -> any TaskRunner
    /// The task was deleted: drop what was kept for it. Default: nothing.
    func didDelete(_ task: PlatformTask) async
}

extension TaskRunnerFactory {
    public func didDelete(_ task: PlatformTask) async {}
}

/// One running task (see `TaskRunnerFactory` for the protocol).
public protocol TaskRunner: Sendable {
    /// Does the task's work until cancelled.
    func run() async throws
    /// The task changed while active: apply `task` in place and return `true`, or return `false` to
    /// be replaced by a new runner. Default: `false`.
    func update(to task: PlatformTask) async -> Bool
}

extension TaskRunner {
    public func update(to task: PlatformTask) async -> Bool { false }
}

/// What a runner is given to report with.
public final class TaskRunContext: Sendable {
    public let monitor: TaskMonitor
    private let readyFlag = Mutex(false)
    private let onReady: @Sendable () -> Void

    init(monitor: TaskMonitor, onReady: @escaping @Sendable () -> Void) {
        self.monitor = monitor
        self.onReady = onReady
    }

    /// The runner really runs now.
    public func ready() {
        let first = readyFlag.withLock { flag in
            defer { flag = true }
            return !flag
        }
        if first { onReady() }
    }

    public var isReady: Bool { readyFlag.withLock { $0 } }
}

/// Checks a kind's definitions before they are saved (used by the API for `POST /tasks` and
/// `PATCH /tasks/{id}`): returns the definition as it will be stored (defaults filled in), or
/// throws a `TaskDefinitionError` saying what is wrong. May be slow (fetch a live sample).
public protocol TaskDefinitionValidator: Sendable {
    var kind: TaskKind { get }
    func validate(_ definition: JSONValue) async throws(TaskDefinitionError) -> JSONValue
}

/// Why a task definition is refused, in words the user can act on.
public struct TaskDefinitionError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

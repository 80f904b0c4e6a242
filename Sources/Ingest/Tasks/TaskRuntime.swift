import Events
import Foundation
import Kafka
import Logging
import ServiceLifecycle
import Synchronization

/// Follows `tasks` in a process and runs the tasks of the kinds this process runs, starting,
/// replacing and stopping their runners as the tasks change — without a restart (see
/// `TaskRunnerFactory` for the runner protocol). It also adds the tasks the command line asks for
/// (`--feed`) once it has read the topic, if they are missing or were deleted, and every few
/// seconds publishes its runners' figures (`TaskStatusStore`).
public final class TaskRuntime: Service {
    public struct Configuration: Sendable {
        public var kafka: KafkaClientConfiguration
        public var topic: String = Topics.tasks
        /// Tasks to add at start unless they exist (deleted ones are added again).
        public var seeds: [PlatformTask] = []
        /// Names this process in `task_status`, e.g. `shikong@host:pid`.
        public var process: String
        /// How often figures are published.
        public var statusInterval: Duration = .seconds(2)
        /// Told once the topic is read and every active task's runner is ready (part `tasks`).
        public var readiness: Readiness?
        /// Called once, when the topic is read and every active task's runner is ready — or a minute
        /// after the topic was read, so a runner that keeps failing holds nothing back for ever.
        public var onReady: (@Sendable () -> Void)?

        public init(kafka: KafkaClientConfiguration, process: String) {
            self.kafka = kafka
            self.process = process
        }
    }

    static let readinessPart = "tasks"
    private let configuration: Configuration
    private let factories: [TaskKind: any TaskRunnerFactory]
    private let producer: KafkaProducer?
    private let store: (any TaskStatusStore)?
    private let logger: Logger
    private let follower: TopicFollower
    private let registry = TaskRegistry()
    private let readyAnnounced = Mutex(false)

    public init(
        configuration: Configuration, factories: [any TaskRunnerFactory], producer: KafkaProducer?, store: (any TaskStatusStore)?,
        logger: Logger = Logger(label: "shikong.tasks")
    ) {
        self.configuration = configuration
        self.factories = Dictionary(factories.map { ($0.kind, $0) }, uniquingKeysWith: { first, _ in first })
        self.producer = producer
        self.store = store
        self.logger = logger
        self.follower = TopicFollower(kafka: configuration.kafka, topic: configuration.topic, watermarks: producer, logger: logger)
        configuration.readiness?.expect(Self.readinessPart, waitingFor: "the tasks topic read to its end and every active task's runner started")
    }

    /// The kinds this process runs.
    public var kinds: Set<TaskKind> { Set(factories.keys) }

    /// The monitor of a task this process runs (or ran), if any.
    public func monitor(for taskID: String) -> TaskMonitor? { registry.monitor(taskID) }

    /// Whether the task was ever added (deleted ones count), once the topic is read to its end.
    public func knows(_ taskID: String) async -> Bool {
        while !registry.hasStarted && !Task.isCancelled { try? await Task.sleep(for: .milliseconds(50)) }
        return registry.task(taskID) != nil
    }

    /// Waits until the task's runner in this process says it is ready; returns whether it did in time.
    public func waitUntilReady(_ taskID: String, timeout: Duration = .seconds(30)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if registry.isReady(taskID) { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    public func run() async throws {
        logger.info("task runtime started", metadata: ["kinds": "\(factories.keys.map(\.rawValue).sorted())", "topic": "\(configuration.topic)"])
        do {
            try await cancelWhenGracefulShutdown {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { [self] in
                        try await follower.run { [self] batch in await apply(batch) }
                    }
                    group.addTask { [self] in try await start() }
                    group.addTask { [self] in try await publishStatus() }
                    try await group.waitForAll()
                }
            }
        } catch is CancellationError where Task.isShuttingDownGracefully {
            // How a graceful shutdown stops the runners; thrown on, it would make the service group
            // cancel every other service instead of letting them drain.
        }
        await stopAll()
        logger.info("task runtime stopped")
    }

    /// Reads the topic to its end, adds the seed tasks that are missing, then says ready once every
    /// active runner is.
    private func start() async throws {
        while !(await follower.catchUp(timeout: .seconds(30))) {
            try Task.checkCancellation()
            logger.warning("tasks topic not read to its end yet; still trying")
        }
        if let producer {
            for seed in configuration.seeds {
                let current = registry.task(seed.id)
                guard current == nil || current?.state == .deleted else { continue }
                try await producer.send(try TaskEvent(type: TaskEvent.added, task: seed).record(topic: configuration.topic))
                logger.info("task added for the command line", metadata: ["task": "\(seed.id)", "kind": "\(seed.kind)"])
            }
            if !configuration.seeds.isEmpty { await follower.catchUp(timeout: .seconds(30)) }
        }
        registry.markStarted()
        updateReadiness()
        try? await Task.sleep(for: .seconds(60))
        if !Task.isCancelled { announceReady() }
    }

    private func announceReady() {
        guard
            readyAnnounced.withLock({ announced in
                defer { announced = true }; return !announced
            })
        else { return }
        configuration.onReady?()
    }

    private func publishStatus() async throws {
        guard let store else { return }
        while !Task.isCancelled {
            try await Task.sleep(for: configuration.statusInterval)
            do {
                try await store.save(registry.snapshots(), process: configuration.process)
            } catch {
                logger.warning("task figures not saved", metadata: ["error": "\(error)"])
            }
        }
    }

    private func apply(_ batch: [KafkaMessage]) async {
        for message in batch where !message.isLogFiller {
            let event: TaskEvent
            do {
                event = try TaskEvent.decode(message)
            } catch {
                // The task projection makes it a dead letter; here it is only skipped.
                logger.warning("unreadable task event skipped", metadata: ["offset": "\(message.offset)", "reason": "\(error.reason)"])
                continue
            }
            guard registry.record(event) else { continue }
            await reconcile(event.data)
        }
    }

    /// Brings the task's runner in line with the task.
    private func reconcile(_ task: PlatformTask) async {
        guard let factory = factories[task.kind] else { return }
        let running = registry.running(task.id)
        switch task.state {
        case .active:
            if let running {
                guard running.task != task else { return }
                if await running.runner()?.update(to: task) == true {
                    running.setTask(task)
                    logger.info("task changed in place", metadata: ["task": "\(task.id)"])
                    return
                }
                await stop(task.id)
            }
            launch(task, factory: factory)
        case .paused, .deleted:
            if running != nil {
                await stop(task.id)
                logger.info("task stopped", metadata: ["task": "\(task.id)", "state": "\(task.state.rawValue)"])
            }
            if task.state == .deleted {
                registry.forget(task.id)
                await factory.didDelete(task)
            }
        }
        updateReadiness()
    }

    private func launch(_ task: PlatformTask, factory: any TaskRunnerFactory) {
        let monitor = registry.monitor(task.id) ?? TaskMonitor(taskID: task.id, kind: task.kind.rawValue)
        let handle = RunnerHandle(task: task)
        let context = TaskRunContext(monitor: monitor) { [weak self] in self?.updateReadiness() }
        handle.context = context
        let logger = logger
        handle.job = Task {
            var backoff = Duration.seconds(1)
            while !Task.isCancelled {
                do {
                    let runner = try factory.makeRunner(for: handle.task, context: context)
                    handle.setRunner(runner)
                    monitor.setRunning(true)
                    try await runner.run()
                    if !Task.isCancelled { logger.info("task finished its work", metadata: ["task": "\(task.id)"]) }
                    break
                } catch is CancellationError {
                    break
                } catch {
                    monitor.recordError("runner failed: \(error)")
                    logger.error("task runner failed; restarting", metadata: ["task": "\(task.id)", "error": "\(error)", "in": "\(backoff)"])
                    monitor.setRunning(false)
                    try? await Task.sleep(for: backoff)
                    backoff = min(backoff * 2, .seconds(60))
                }
            }
            monitor.setRunning(false)
        }
        registry.started(handle, monitor: monitor)
        logger.info("task started", metadata: ["task": "\(task.id)", "kind": "\(task.kind)"])
    }

    private func stop(_ taskID: String) async {
        guard let handle = registry.stopped(taskID) else { return }
        handle.job?.cancel()
        await handle.job?.value
    }

    private func stopAll() async {
        for id in registry.runningIDs { await stop(id) }
    }

    private func updateReadiness() {
        guard registry.hasStarted else { return }
        let waiting = registry.unreadyRunners
        if waiting.isEmpty { announceReady() }
        guard let readiness = configuration.readiness else { return }
        if waiting.isEmpty {
            readiness.ready(Self.readinessPart)
        } else {
            readiness.notReady(Self.readinessPart, waitingFor: "the runners of \(waiting.sorted().joined(separator: ", ")) to start")
        }
    }
}

/// One task's runner in this process.
final class RunnerHandle: @unchecked Sendable {
    private let lock = NSLock()
    private var _task: PlatformTask
    private var _runner: (any TaskRunner)?
    var job: Task<Void, Never>?
    var context: TaskRunContext?

    init(task: PlatformTask) { _task = task }

    var task: PlatformTask { lock.withLock { _task } }
    func setTask(_ task: PlatformTask) { lock.withLock { _task = task } }
    func runner() -> (any TaskRunner)? { lock.withLock { _runner } }
    func setRunner(_ runner: any TaskRunner) { lock.withLock { _runner = runner } }
}

/// The tasks this process knows and the runners it holds.
final class TaskRegistry: Sendable {
    private struct State {
        var tasks: [String: (task: PlatformTask, event: UUID)] = [:]
        var running: [String: RunnerHandle] = [:]
        var monitors: [String: TaskMonitor] = [:]
        var started = false
    }

    private let state = Mutex(State())

    /// Takes the event if it is newer than what is known of its task; returns whether it did.
    func record(_ event: TaskEvent) -> Bool {
        state.withLock { state in
            if let known = state.tasks[event.data.id], known.event >= event.id { return false }
            state.tasks[event.data.id] = (event.data, event.id)
            return true
        }
    }

    func task(_ id: String) -> PlatformTask? { state.withLock { $0.tasks[id]?.task } }
    func running(_ id: String) -> RunnerHandle? { state.withLock { $0.running[id] } }
    func monitor(_ id: String) -> TaskMonitor? { state.withLock { $0.monitors[id] } }
    var runningIDs: [String] { state.withLock { Array($0.running.keys) } }

    func started(_ handle: RunnerHandle, monitor: TaskMonitor) {
        state.withLock { state in
            state.running[handle.task.id] = handle
            state.monitors[handle.task.id] = monitor
        }
    }

    func stopped(_ id: String) -> RunnerHandle? { state.withLock { $0.running.removeValue(forKey: id) } }
    func forget(_ id: String) { _ = state.withLock { $0.monitors.removeValue(forKey: id) } }

    func isReady(_ id: String) -> Bool { state.withLock { $0.running[id]?.context?.isReady ?? false } }

    func markStarted() { state.withLock { $0.started = true } }
    var hasStarted: Bool { state.withLock { $0.started } }

    /// Active tasks whose runner has not said it is ready yet (failed ones count as started: their
    /// error is shown on the task).
    var unreadyRunners: [String] {
        state.withLock { state in
            state.running.compactMap { id, handle in
                let monitor = state.monitors[id]
                let failed = (monitor?.snapshot().errors ?? 0) > 0 && !(handle.context?.isReady ?? false)
                return handle.context?.isReady == true || failed ? nil : id
            }
        }
    }

    func snapshots() -> [TaskStatusSnapshot] {
        let monitors = state.withLock { Array($0.monitors.values) }
        let now = Date()
        return monitors.map { $0.snapshot(at: now) }
    }
}

import Crawler
import Events
import Foundation
import Kafka
import Logging

/// Runs `crawl` tasks (see `TaskRunnerFactory` for the protocol): each runner crawls once, then again
/// on the task's schedule, through the process's one fetcher, host gate and concurrency limit, so
/// two crawls of one site share its politeness. A new runner (a resume, a change, a restart) starts
/// from what earlier runs learnt about each URL (`CrawlMemoryStore`), so its revisits are
/// conditional GETs.
public struct CrawlRunnerFactory: TaskRunnerFactory {
    let fetcher: any PageFetching
    let gate: HostGate
    let limit: ConcurrencyLimit
    let producer: KafkaProducer
    let memory: (any CrawlMemoryStore)?
    let logger: Logger

    public init(
        fetcher: any PageFetching, gate: HostGate, limit: ConcurrencyLimit, producer: KafkaProducer, memory: (any CrawlMemoryStore)?, logger: Logger
    ) {
        self.fetcher = fetcher
        self.gate = gate
        self.limit = limit
        self.producer = producer
        self.memory = memory
        self.logger = logger
    }

    public var kind: TaskKind { .crawl }

    public func makeRunner(for task: PlatformTask, context: TaskRunContext) throws -> any TaskRunner {
        let plan: CrawlPlan
        do {
            plan = try CrawlTaskDefinition.plan(task.definition)
        } catch {
            throw TaskDefinitionError("task \(task.id): \(error.message)")
        }
        return CrawlTaskRunner(
            taskID: task.id, plan: plan, fetcher: fetcher, gate: gate, limit: limit, producer: producer, store: memory, context: context,
            logger: logger)
    }
}

/// Where a crawl runner finds what earlier runs learnt about each URL of its task (the platform
/// reads the `crawl_pages` projection).
public protocol CrawlMemoryStore: Sendable {
    func memory(taskID: String) async throws -> [String: PageMemory]
}

/// One active crawl task.
struct CrawlTaskRunner: TaskRunner {
    let taskID: String
    let plan: CrawlPlan
    let fetcher: any PageFetching
    let gate: HostGate
    let limit: ConcurrencyLimit
    let producer: KafkaProducer
    let store: (any CrawlMemoryStore)?
    let context: TaskRunContext
    let logger: Logger

    func run() async throws {
        var memory: [String: PageMemory] = [:]
        if let store {
            do {
                memory = try await store.memory(taskID: taskID)
            } catch {
                logger.warning("earlier crawl runs not read; every page is fetched whole", metadata: ["task": "\(taskID)", "error": "\(error)"])
            }
        }
        context.ready()
        try await TaskSchedule.repeating(every: plan.definition.schedule?.everySeconds) { number in
            let reporter = TaskRunReporter(taskID: taskID, kind: .crawl, number: number, producer: producer, monitor: context.monitor)
            let sink = KafkaCrawlSink(reporter: reporter, producer: producer, monitor: context.monitor)
            try await reporter.started()
            logger.info("crawl run started", metadata: ["task": "\(taskID)", "run": "\(number)", "known urls": "\(memory.count)"])
            let counts: [String: Int]
            do {
                counts = try await CrawlRun(
                    taskID: taskID, plan: plan, fetcher: fetcher, gate: gate, limit: limit, memory: memory, sink: sink, logger: logger
                ).run()
            } catch {
                let cancelled = error is CancellationError || Task.isCancelled
                try? await reporter.finished(cancelled ? .cancelled : .failed, counts: sink.counts, error: cancelled ? nil : "\(error)")
                throw error
            }
            memory.merge(sink.learnt) { _, new in new }
            try await reporter.finished(.finished, counts: counts)
            logger.info("crawl run finished", metadata: ["task": "\(taskID)", "run": "\(number)", "counts": "\(counts)"])
        }
    }
}

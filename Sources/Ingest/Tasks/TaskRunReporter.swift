import Events
import Foundation
import JSON
import Kafka

/// Publishes what one run of a crawl or API-poll task does on `task.runs`, and keeps the task's
/// live figures (`TaskMonitor`) in step: the run's state and counts, and its latest failures.
final class TaskRunReporter: Sendable {
    let taskID: String
    let kind: TaskKind
    let runID: UUID
    let startedAt: Date
    let number: Int
    private let producer: KafkaProducer
    private let monitor: TaskMonitor
    private let topic: String

    init(taskID: String, kind: TaskKind, number: Int, producer: KafkaProducer, monitor: TaskMonitor, topic: String = Topics.taskRuns) {
        self.taskID = taskID
        self.kind = kind
        self.number = number
        self.producer = producer
        self.monitor = monitor
        self.topic = topic
        runID = EventIDGenerator.shared.next()
        startedAt = Date()
    }

    private var source: String { kind == .crawl ? "crawler" : kind.rawValue }

    /// The run began.
    func started() async throws {
        monitor.setDetail("run", runDetail(state: .running, counts: [:], error: nil, finishedAt: nil))
        try await send(TaskRunEvent(type: TaskRunEvent.started, source: source, data: data(state: .running)))
    }

    /// One page's outcome (crawls).
    func page(_ outcome: CrawlPageOutcome) async throws {
        try await send(TaskRunEvent(type: TaskRunEvent.page, source: source, data: data(state: .running, page: outcome)))
    }

    /// The run ended: finished with its counts, failed with the reason, or cancelled.
    func finished(_ state: TaskRunData.State, counts: [String: Int], error: String? = nil) async throws {
        let now = Date()
        monitor.setDetail("run", runDetail(state: state, counts: counts, error: error, finishedAt: now))
        monitor.setDetail("last_run", runDetail(state: state, counts: counts, error: error, finishedAt: now))
        try await send(
            TaskRunEvent(
                type: TaskRunEvent.finished, source: source,
                data: TaskRunData(
                    taskID: taskID, kind: kind.rawValue, runID: runID, state: state, startedAt: startedAt, finishedAt: now, counts: counts,
                    error: error)))
    }

    private func data(state: TaskRunData.State, page: CrawlPageOutcome? = nil) -> TaskRunData {
        TaskRunData(taskID: taskID, kind: kind.rawValue, runID: runID, state: state, startedAt: startedAt, page: page)
    }

    private func send(_ event: TaskRunEvent) async throws {
        _ = try await producer.send(try event.record(topic: topic))
    }

    /// The run as the task's status shows it.
    func runDetail(state: TaskRunData.State, counts: [String: Int], error: String?, finishedAt: Date?) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("number", .number(Double(number))), ("run_id", .string(runID.uuidString.lowercased())), ("state", .string(state.rawValue)),
            ("started_at", .string(Timestamp.format(startedAt))),
        ]
        if let finishedAt { members.append(("finished_at", .string(Timestamp.format(finishedAt)))) }
        members.append(("counts", .object(counts.sorted { $0.key < $1.key }.map { ($0.key, .number(Double($0.value))) })))
        if let error { members.append(("error", .string(error))) }
        return .object(members)
    }
}

import APIAggregation
import Crawler
import Events
import Foundation
import JSON
import Kafka
import Logging

/// Runs `api-poll` tasks (R-AGG-1; see `TaskRunnerFactory` for the protocol): each runner polls its
/// endpoint once, then again on the task's schedule. A poll maps the whole response before anything
/// is published, so a broken response (bad JSON, no records array, a ragged CSV, an HTTP error)
/// publishes nothing and is reported on the task; records that do not map are reported with their
/// reasons while the others are published.
public struct APIPollRunnerFactory: TaskRunnerFactory {
    let fetcher: any PageFetching
    let producer: KafkaProducer
    let logger: Logger

    public init(fetcher: any PageFetching, producer: KafkaProducer, logger: Logger) {
        self.fetcher = fetcher
        self.producer = producer
        self.logger = logger
    }

    public var kind: TaskKind { .apiPoll }

    public func makeRunner(for task: PlatformTask, context: TaskRunContext) throws -> any TaskRunner {
        let plan: APIPollPlan
        do {
            plan = try APIPollTaskDefinition.plan(task.definition)
        } catch {
            throw TaskDefinitionError("task \(task.id): \(error.message)")
        }
        return APIPollTaskRunner(taskID: task.id, plan: plan, fetcher: fetcher, producer: producer, context: context, logger: logger)
    }
}

/// One active API-poll task.
struct APIPollTaskRunner: TaskRunner {
    static let refusalsShown = 10

    let taskID: String
    let plan: APIPollPlan
    let fetcher: any PageFetching
    let producer: KafkaProducer
    let context: TaskRunContext
    let logger: Logger

    func run() async throws {
        context.ready()
        let monitor = context.monitor
        monitor.setDetail("url", .string(plan.url.absoluteString))
        try await TaskSchedule.repeating(every: plan.definition.schedule?.everySeconds) { number in
            let reporter = TaskRunReporter(taskID: taskID, kind: .apiPoll, number: number, producer: producer, monitor: monitor)
            try await reporter.started()
            switch await APIPoll(plan: plan, fetcher: fetcher).poll(taskID: taskID) {
            case .failed(let reason, let status):
                monitor.recordError(reason)
                var counts: [String: Int] = ["published": 0]
                if let status { counts["http_status"] = status }
                try await reporter.finished(.failed, counts: counts, error: reason)
                logger.warning("API poll failed; nothing published", metadata: ["task": "\(taskID)", "reason": "\(reason)"])
            case .mapped(let response, let status, let bytes):
                monitor.recordMessage(bytes: bytes)
                // The records that map are published; each one that does not is a dead letter with its reason.
                let letters = try response.refused.map { try deadLetter($0).record(topic: Topics.deadLetters) }
                let records = response.records.map(\.record) + letters
                if !records.isEmpty { _ = try await producer.sendAll(records) }
                for refusal in response.refused.prefix(Self.refusalsShown) { monitor.recordError("record \(refusal.index): \(refusal.reason)") }
                monitor.setDetail(
                    "refusals",
                    .array(
                        response.refused.prefix(Self.refusalsShown).map {
                            .object([("index", .number(Double($0.index))), ("reason", .string($0.reason))])
                        }))
                let counts = [
                    "http_status": status, "records": response.total, "published": response.records.count, "refused": response.refused.count,
                ]
                try await reporter.finished(.finished, counts: counts)
                logger.info("API poll published", metadata: ["task": "\(taskID)", "records": "\(response.records.count)"])
            }
        }
    }
}

extension APIPollTaskRunner {
    static let stage = "ingest.api-poll"

    /// A record that does not map, as a dead letter: the record as JSON, addressed to the topic it
    /// would have gone to, with the task in `ce_task` so the task's status counts it.
    func deadLetter(_ refusal: RecordRefusal) -> DeadLetter {
        let topic =
            switch plan.definition.produces {
            case .readings: Topics.rawSensorReadings
            case .items: Topics.rawItems
            case .entities: Topics.rawEntities
            }
        let record = OutgoingRecord(
            topic: topic, key: Data(TaskEvent.subject(taskID).utf8), value: Data(refusal.record.text.utf8),
            headers: [KafkaHeader(key: "ce_task", string: taskID), KafkaHeader(key: "ce_source", string: "api-poll://\(taskID)")])
        return DeadLetter(unappended: record, stage: Self.stage, reason: "record \(refusal.index): \(refusal.reason)", keptElsewhere: false)
    }
}

/// An `api-poll` task's definition read and checked; the validator also polls the endpoint once
/// (a live sample) and refuses a definition under which it gives no record that maps.
public enum APIPollTaskDefinition {
    public static let fields: Set<String> = [
        "url", "format", "headers", "records", "produces", "mapping", "collection", "crs", "schedule", "timeout_seconds", "max_bytes", "labels",
    ]

    public static func plan(_ json: JSONValue) throws(TaskDefinitionError) -> APIPollPlan {
        guard let members = json.members else { throw TaskDefinitionError("the definition must be a JSON object") }
        if let unknown = members.map(\.key).first(where: { !fields.contains($0) }) {
            throw TaskDefinitionError("unknown field \(unknown); an api-poll has \(fields.sorted().joined(separator: ", "))")
        }
        let definition: APIPollDefinition = try TaskDefinitionJSON.decode(json)
        do {
            return try APIPollPlan(definition)
        } catch {
            throw TaskDefinitionError(error.description)
        }
    }

    /// Checks `api-poll` definitions for the API against a live sample of the endpoint.
    public struct Validator: TaskDefinitionValidator {
        let fetcher: any PageFetching

        public init(fetcher: any PageFetching) {
            self.fetcher = fetcher
        }

        public var kind: TaskKind { .apiPoll }

        public func validate(_ definition: JSONValue) async throws(TaskDefinitionError) -> JSONValue {
            let plan = try APIPollTaskDefinition.plan(definition)
            switch await APIPoll(plan: plan, fetcher: fetcher).poll(taskID: "sample") {
            case .failed(let reason, _):
                throw TaskDefinitionError("a live sample of \(plan.url.absoluteString) did not map: \(reason)")
            case .mapped(let response, _, _):
                guard !response.records.isEmpty else {
                    let first = response.refused.first.map { ": record \($0.index): \($0.reason)" } ?? ": it holds no record"
                    throw TaskDefinitionError("a live sample of \(plan.url.absoluteString) gave no record that maps\(first)")
                }
            }
            return try TaskDefinitionJSON.encode(plan.definition)
        }
    }
}

import Foundation
import JSON
import Kafka

/// What task runs did, on `task.runs` (keyed by `task:<id>`, so one task's activity stays in
/// order): a run of a crawl or an API poll started (`task.run.started`), one page of a crawl was
/// fetched or failed (`task.run.page`), a run ended (`task.run.finished`, with its counts and, when
/// it failed, why). The `task_runs` projection keeps the runs and each URL's latest outcome; a
/// crawl reads its revisit validators from there.
public struct TaskRunEvent: Codable, Sendable, Equatable {
    public static let started = "task.run.started"
    public static let page = "task.run.page"
    public static let finished = "task.run.finished"
    public static let types = [started, page, finished]
    public static let schema = "shikong/task.run/1"

    public var id: UUID
    public var type: String
    public var subject: String
    /// The runner, e.g. `crawler` or `api-poll`.
    public var source: String
    public var occurredAt: Date
    public var recordedAt: Date
    public var data: TaskRunData
    public var schema: String

    public init(type: String, source: String, data: TaskRunData, at date: Date = Date(), id: UUID = EventIDGenerator.shared.next()) {
        self.id = id
        self.type = type
        self.subject = "task:\(data.taskID)"
        self.source = source
        self.occurredAt = date
        self.recordedAt = date
        self.data = data
        self.schema = Self.schema
    }

    enum CodingKeys: String, CodingKey {
        case id, type, subject, source, data, schema
        case occurredAt = "occurred_at"
        case recordedAt = "recorded_at"
    }

    public func record(topic: String = Topics.taskRuns) throws -> OutgoingRecord {
        let metadata = EventMetadata(
            id: id, type: type, subject: subject, source: source, occurredAt: occurredAt, recordedAt: recordedAt, schema: schema)
        return metadata.record(topic: topic, value: try EventJSON.encoder().encode(self))
    }

    /// Reads a consumed record; throws the reason a dead letter carries.
    public static func decode(_ value: Data) throws(EventDecodingError) -> TaskRunEvent {
        let event: TaskRunEvent
        do {
            event = try EventJSON.decoder().decode(TaskRunEvent.self, from: value)
        } catch {
            throw EventDecodingError("not a task run event: \(error)")
        }
        guard types.contains(event.type) else { throw EventDecodingError("unknown task run event type \(event.type)") }
        if event.type == page, event.data.page == nil { throw EventDecodingError("a task.run.page event without its page") }
        return event
    }
}

/// One run of a task and, for page events, the page.
public struct TaskRunData: Codable, Sendable, Equatable {
    public enum State: String, Codable, Sendable {
        case running, finished, failed, cancelled
    }

    public var taskID: String
    /// `crawl` or `api-poll`.
    public var kind: String
    public var runID: UUID
    public var state: State
    public var startedAt: Date
    public var finishedAt: Date?
    /// Named counts: pages fetched, not modified, failed, items produced, records refused, …
    public var counts: [String: Int]
    /// Why the run failed (a broken response, an unreachable endpoint).
    public var error: String?
    public var page: CrawlPageOutcome?

    public init(
        taskID: String, kind: String, runID: UUID, state: State, startedAt: Date, finishedAt: Date? = nil, counts: [String: Int] = [:],
        error: String? = nil, page: CrawlPageOutcome? = nil
    ) {
        self.taskID = taskID
        self.kind = kind
        self.runID = runID
        self.state = state
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.counts = counts
        self.error = error
        self.page = page
    }

    enum CodingKeys: String, CodingKey {
        case kind, state, counts, error, page
        case taskID = "task_id"
        case runID = "run_id"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
    }
}

/// What became of one URL in a crawl run.
public struct CrawlPageOutcome: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable, CaseIterable {
        /// Fetched (2xx) and read.
        case fetched
        /// `304 Not Modified` to a conditional GET: nothing new.
        case notModified = "not_modified"
        /// Fetched, but its content is the same as a page already seen (same hash): no items.
        case duplicate
        /// A 3xx; the target is in `redirect_to` and crawled as a page of its own when in scope.
        case redirected
        /// robots.txt disallows it: never requested.
        case disallowed
        /// 4xx/5xx, a timeout, a network error, a body over the size limit, too many redirects.
        case failed
        /// Answered, but not HTML that could be parsed.
        case unparseable
    }

    public var url: String
    public var depth: Int
    public var status: Status
    public var httpStatus: Int?
    /// For failures: what went wrong, in words.
    public var error: String?
    public var etag: String?
    public var lastModified: String?
    /// The 128-bit content hash of the body (`ContentHash`, hex), for de-duplication and change detection.
    public var contentHash: String?
    public var bytes: Int?
    public var elapsedMilliseconds: Int?
    public var redirectTo: String?
    /// Items published to `raw.items` from the page.
    public var items: Int
    /// The in-scope links of a fetched page (absolute, normalised); for a page not modified, those
    /// it held when last fetched.
    public var links: [String]?
    public var fetchedAt: Date

    public init(
        url: String, depth: Int, status: Status, httpStatus: Int? = nil, error: String? = nil, etag: String? = nil, lastModified: String? = nil,
        contentHash: String? = nil, bytes: Int? = nil, elapsedMilliseconds: Int? = nil, redirectTo: String? = nil, items: Int = 0,
        fetchedAt: Date = Date()
    ) {
        self.url = url
        self.depth = depth
        self.status = status
        self.httpStatus = httpStatus
        self.error = error
        self.etag = etag
        self.lastModified = lastModified
        self.contentHash = contentHash
        self.bytes = bytes
        self.elapsedMilliseconds = elapsedMilliseconds
        self.redirectTo = redirectTo
        self.items = items
        self.fetchedAt = fetchedAt
    }

    enum CodingKeys: String, CodingKey {
        case url, depth, status, error, etag, bytes, items, links
        case httpStatus = "http_status"
        case lastModified = "last_modified"
        case contentHash = "content_hash"
        case elapsedMilliseconds = "elapsed_ms"
        case redirectTo = "redirect_to"
        case fetchedAt = "fetched_at"
    }
}

extension Topics {
    /// Runs of crawl and API-poll tasks: started, each crawled page, finished.
    public static let taskRuns = "task.runs"
}

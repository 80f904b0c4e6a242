import Crawler
import Events
import Foundation
import JSON
import Kafka
import Synchronization

/// Where a crawl run's results go on the platform: a page's items to `raw.items` (the item
/// processor geocodes them into `located_items`), then its outcome to `task.runs`; the task's live
/// figures count pages, bytes and failures, and list the latest failed URLs with their reasons.
final class KafkaCrawlSink: CrawlSink {
    /// Failed URLs listed in the task's status, newest last.
    static let failuresShown = 20

    private let reporter: TaskRunReporter
    private let producer: KafkaProducer
    private let monitor: TaskMonitor
    private let state = Mutex(State())

    private struct State {
        var counts: [String: Int] = [:]
        var failures: [JSONValue] = []
        var learnt: [String: PageMemory] = [:]
    }

    init(reporter: TaskRunReporter, producer: KafkaProducer, monitor: TaskMonitor) {
        self.reporter = reporter
        self.producer = producer
        self.monitor = monitor
    }

    /// Outcomes so far in this run, by status, plus `items`.
    var counts: [String: Int] { state.withLock { $0.counts } }

    /// What this run learnt about each URL it fetched, for the next run's conditional GETs.
    var learnt: [String: PageMemory] { state.withLock { $0.learnt } }

    func publish(items: [Data], outcome: CrawlPageOutcome) async throws {
        // The source names the task and the page: the same line from the same page is the same event.
        let source = "crawl://\(reporter.taskID)/\(outcome.url)"
        let records = items.enumerated().map { index, line in
            RawItems.record(line: line, lineNumber: index + 1, source: source, receivedAt: outcome.fetchedAt)
        }
        if !records.isEmpty { _ = try await producer.sendAll(records) }
        try await reporter.page(outcome)
        record(outcome)
    }

    private func record(_ outcome: CrawlPageOutcome) {
        if let bytes = outcome.bytes, outcome.httpStatus != nil { monitor.recordMessage(bytes: bytes, at: outcome.fetchedAt) }
        let failed = outcome.status == .failed || outcome.status == .unparseable
        if failed { monitor.recordError("\(outcome.url): \(outcome.error ?? outcome.status.rawValue)", at: outcome.fetchedAt) }
        let (counts, failures) = state.withLock { state in
            state.counts[outcome.status.rawValue, default: 0] += 1
            state.counts["items", default: 0] += outcome.items
            if outcome.etag != nil || outcome.lastModified != nil || outcome.contentHash != nil {
                state.learnt[outcome.url] = PageMemory(
                    validators: Validators(etag: outcome.etag, lastModified: outcome.lastModified), contentHash: outcome.contentHash,
                    links: outcome.links)
            }
            if failed {
                var failure: [(key: String, value: JSONValue)] = [("url", .string(outcome.url)), ("status", .string(outcome.status.rawValue))]
                if let status = outcome.httpStatus { failure.append(("http_status", .number(Double(status)))) }
                failure.append(("error", .string(outcome.error ?? outcome.status.rawValue)))
                failure.append(("at", .string(Timestamp.format(outcome.fetchedAt))))
                state.failures.append(.object(failure))
                if state.failures.count > Self.failuresShown { state.failures.removeFirst(state.failures.count - Self.failuresShown) }
            }
            return (state.counts, state.failures)
        }
        monitor.setDetail("run", reporter.runDetail(state: .running, counts: counts, error: nil, finishedAt: nil))
        monitor.setDetail("failures", .array(failures))
    }
}

import Events
import Foundation
import HTMLExtraction
import Logging

/// One run of a crawl task: breadth first from the seeds, within scope and depth, up to the page
/// limit; each host served from its own queue through the process's `HostGate` (one request at a
/// time, the task's delay or robots.txt's `Crawl-delay`, whichever is longer), requests bounded by
/// the process's `ConcurrencyLimit`; robots.txt checked before every request, redirect targets
/// included; conditional GETs with what the last run learnt; pages with a content hash already seen
/// give no items. Every URL's outcome goes to the sink.
public struct CrawlRun: Sendable {
    public let taskID: String
    public let plan: CrawlPlan
    public let fetcher: any PageFetching
    public let gate: HostGate
    public let limit: ConcurrencyLimit
    /// By URL, from earlier runs.
    public let memory: [String: PageMemory]
    public let sink: any CrawlSink
    public let logger: Logger

    public init(
        taskID: String, plan: CrawlPlan, fetcher: any PageFetching, gate: HostGate, limit: ConcurrencyLimit, memory: [String: PageMemory],
        sink: any CrawlSink, logger: Logger
    ) {
        self.taskID = taskID
        self.plan = plan
        self.fetcher = fetcher
        self.gate = gate
        self.limit = limit
        self.memory = memory
        self.sink = sink
        self.logger = logger
    }

    struct Entry: Sendable {
        var url: URL
        var depth: Int
        var redirects: Int
    }

    struct Step: Sendable {
        var host: String
        var entry: Entry
        var outcome: CrawlPageOutcome
        var links: [URL]
    }

    /// Runs to the end (or until cancelled) and returns the counts by outcome, plus `items`.
    public func run() async throws -> [String: Int] {
        let robots = RobotsCache(fetcher: fetcher, gate: gate, limit: limit, minimumDelay: plan.minDelay, timeout: plan.timeout, sink: sink)
        let hashes = ContentHashes(seen: Set(memory.values.compactMap(\.contentHash)))
        var queues: [String: [Entry]] = [:]
        var hostOrder: [String] = []
        var seen = Set<String>()
        var issued = 0
        var counts: [String: Int] = [:]

        func enqueue(_ entry: Entry) {
            let key = entry.url.absoluteString
            guard !seen.contains(key), plan.scope.contains(entry.url), let host = URLNormaliser.hostKey(entry.url) else { return }
            seen.insert(key)
            if queues[host] == nil { hostOrder.append(host) }
            queues[host, default: []].append(entry)
        }
        for seed in plan.seeds { enqueue(Entry(url: seed, depth: 0, redirects: 0)) }

        try await withThrowingTaskGroup(of: Step.self) { group in
            var busyHosts = Set<String>()
            func launch(_ group: inout ThrowingTaskGroup<Step, any Error>) {
                for host in hostOrder where !busyHosts.contains(host) && issued < plan.maxPages {
                    guard var queue = queues[host], !queue.isEmpty else { continue }
                    let entry = queue.removeFirst()
                    queues[host] = queue
                    busyHosts.insert(host)
                    issued += 1
                    group.addTask { try await self.visit(entry, host: host, robots: robots, hashes: hashes) }
                }
            }
            launch(&group)
            while let step = try await group.next() {
                busyHosts.remove(step.host)
                counts[step.outcome.status.rawValue, default: 0] += 1
                counts["items", default: 0] += step.outcome.items
                for link in step.links {
                    let redirect = step.outcome.status == .redirected
                    let depth = redirect ? step.entry.depth : step.entry.depth + 1
                    guard depth <= plan.maxDepth else { continue }
                    enqueue(Entry(url: link, depth: depth, redirects: redirect ? step.entry.redirects + 1 : 0))
                }
                launch(&group)
            }
        }
        counts["robots_txt"] = await robots.requests
        counts["left_in_queue"] = queues.values.reduce(0) { $0 + $1.count }
        return counts
    }

    /// Fetches one URL (unless robots.txt disallows it), reads it, publishes its items and outcome.
    private func visit(_ entry: Entry, host: String, robots: RobotsCache, hashes: ContentHashes) async throws -> Step {
        let url = entry.url
        let rules = await robots.rules(for: url)
        guard rules.allows(url) else {
            let outcome = CrawlPageOutcome(url: url.absoluteString, depth: entry.depth, status: .disallowed, error: "robots.txt disallows it")
            try await sink.publish(items: [], outcome: outcome)
            return Step(host: host, entry: entry, outcome: outcome, links: [])
        }
        var delay = plan.minDelay
        if let crawlDelay = rules.crawlDelay { delay = max(delay, .milliseconds(Int64(crawlDelay * 1_000))) }
        let known = memory[url.absoluteString]
        let fetcher = self.fetcher
        let limit = self.limit
        let timeout = plan.timeout
        let maximumBytes = plan.maxPageBytes
        let result: Result<FetchResult, FetchFailure> = await gate.withTurn(host: host, delay: delay) {
            await limit.withSlot {
                do throws(FetchFailure) {
                    return .success(
                        try await fetcher.fetch(
                            url,
                            options: FetchOptions(
                                validators: known?.validators ?? Validators(), accept: "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
                                timeout: timeout, maximumBytes: maximumBytes)))
                } catch {
                    return .failure(error)
                }
            }
        }
        try Task.checkCancellation()
        let fetchedAt = Date()
        var outcome = CrawlPageOutcome(url: url.absoluteString, depth: entry.depth, status: .failed, fetchedAt: fetchedAt)
        var links: [URL] = []
        var items: [Data] = []
        switch result {
        case .failure(let failure):
            outcome.error = failure.description
        case .success(let response):
            outcome.httpStatus = response.status
            outcome.elapsedMilliseconds = Int(
                response.elapsed.components.seconds * 1_000 + response.elapsed.components.attoseconds / 1_000_000_000_000_000)
            outcome.bytes = response.body.count
            switch response.status {
            case 304:
                outcome.status = .notModified
                outcome.etag = response.validators.etag ?? known?.validators.etag
                outcome.lastModified = response.validators.lastModified ?? known?.validators.lastModified
                outcome.contentHash = known?.contentHash
                // The page is as it was, so are its links: the crawl goes on from those the last run found.
                outcome.links = known?.links
                links = (known?.links ?? []).compactMap { URLNormaliser.normalise($0) }
            case 300..<400:
                guard let location = response.location, let target = URLNormaliser.normalise(location, relativeTo: url) else {
                    outcome.error = "redirect without a usable Location header"
                    break
                }
                outcome.redirectTo = target.absoluteString
                if entry.redirects >= plan.maxRedirects {
                    outcome.error = "more than \(plan.maxRedirects) redirects in a row"
                } else if !plan.scope.contains(target) {
                    outcome.status = .redirected
                    outcome.error = "the redirect target is outside the crawl's scope: not followed"
                } else {
                    outcome.status = .redirected
                    links = [target]
                }
            case 200..<300:
                (outcome, links, items) = read(response, entry: entry, outcome: outcome, hashes: await hashes.insert(ContentHash.hex(response.body)))
            default:
                outcome.error = "HTTP \(response.status)"
            }
        }
        outcome.items = items.count
        if outcome.status == .fetched || outcome.status == .duplicate {
            outcome.links = links.filter(plan.scope.contains).map(\.absoluteString)
        }
        try await sink.publish(items: items, outcome: outcome)
        return Step(host: host, entry: entry, outcome: outcome, links: links)
    }

    /// A 2xx answer: parsed, its links and items taken, unless its content was seen before.
    private func read(_ response: FetchResult, entry: Entry, outcome start: CrawlPageOutcome, hashes: (hash: String, new: Bool))
        -> (CrawlPageOutcome, [URL], [Data])
    {
        var outcome = start
        outcome.etag = response.validators.etag
        outcome.lastModified = response.validators.lastModified
        outcome.contentHash = hashes.hash
        if let media = response.mediaType, !["text/html", "application/xhtml+xml"].contains(media) {
            outcome.status = .unparseable
            outcome.error = "not HTML but \(media)"
            return (outcome, [], [])
        }
        let document: HTMLDocument
        do {
            document = try HTMLDocument(bytes: response.body, url: response.url.absoluteString, encoding: response.charset)
        } catch {
            outcome.status = .unparseable
            outcome.error = error.description
            return (outcome, [], [])
        }
        let directives = document.robotsDirectives
        let pageType = plan.pageType(for: response.url)
        var links: [URL] = []
        if pageType?.followLinks ?? true, !directives.contains("nofollow"), !directives.contains("none") {
            let base = document.baseHref.flatMap { URLNormaliser.normalise($0, relativeTo: response.url) } ?? response.url
            links = document.linkTargets.compactMap { URLNormaliser.normalise($0, relativeTo: base) }
        }
        guard hashes.new else {
            outcome.status = .duplicate
            return (outcome, links, [])
        }
        outcome.status = .fetched
        guard let pageType, !directives.contains("noindex"), !directives.contains("none") else { return (outcome, links, []) }
        do {
            let records = try pageType.template.records(in: document)
            let context = PageItems.Context(
                url: response.url, taskID: taskID, pageType: pageType.name, fetchedAt: outcome.fetchedAt, lastModified: outcome.lastModified,
                offsetSeconds: plan.timeZoneOffset, labels: plan.labels)
            let (items, unplaceable) = PageItems.lines(records, context: context)
            if items.isEmpty {
                outcome.error =
                    records.isEmpty
                    ? "page type \(pageType.name): no field matched"
                    : "page type \(pageType.name): \(unplaceable) record(s) without address, place or text"
            }
            return (outcome, links, items)
        } catch {
            outcome.status = .unparseable
            outcome.error = error.description
            return (outcome, links, [])
        }
    }
}

/// Content hashes seen by a run (and those stored from earlier runs).
actor ContentHashes {
    private var seen: Set<String>

    init(seen: Set<String>) {
        self.seen = seen
    }

    /// Records `hash`; whether it is new.
    func insert(_ hash: String) -> (hash: String, new: Bool) {
        (hash, seen.insert(hash).inserted)
    }
}

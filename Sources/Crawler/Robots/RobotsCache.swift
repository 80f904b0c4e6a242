import Events
import Foundation

/// The robots.txt rules of each host a crawl run meets, fetched once per host per run, through the
/// host's queue like any other request. How a host's answer is read (RFC 9309): 2xx — its rules;
/// redirects followed (up to 5); 4xx other than 429 — no robots.txt, everything allowed; 429, 5xx
/// or no answer — assume everything is disallowed for this run.
actor RobotsCache {
    private var rules: [String: Task<RobotsRules, Never>] = [:]
    private let fetcher: any PageFetching
    private let gate: HostGate
    private let limit: ConcurrencyLimit
    private let minimumDelay: Duration
    private let timeout: Duration
    private let sink: any CrawlSink
    /// robots.txt requests made.
    private(set) var requests = 0

    init(fetcher: any PageFetching, gate: HostGate, limit: ConcurrencyLimit, minimumDelay: Duration, timeout: Duration, sink: any CrawlSink) {
        self.timeout = timeout
        self.sink = sink
        self.fetcher = fetcher
        self.gate = gate
        self.limit = limit
        self.minimumDelay = minimumDelay
    }

    /// The rules for `url`'s host.
    func rules(for url: URL) async -> RobotsRules {
        guard let host = URLNormaliser.hostKey(url), let robotsURL = URLNormaliser.robotsURL(for: url) else { return .disallowAll }
        if let existing = rules[host] { return await existing.value }
        let task = Task { await self.load(robotsURL, host: host) }
        rules[host] = task
        return await task.value
    }

    private func load(_ robotsURL: URL, host: String) async -> RobotsRules {
        var target = robotsURL
        for _ in 0...5 {
            let result: Result<FetchResult, FetchFailure>
            let targetHost = URLNormaliser.hostKey(target) ?? host
            let current = target
            requests += 1
            result = await gate.withTurn(host: targetHost, delay: minimumDelay) {
                await limit.withSlot {
                    do throws(FetchFailure) {
                        return .success(
                            try await fetcher.fetch(
                                current, options: FetchOptions(accept: "text/plain, */*;q=0.1", timeout: timeout, maximumBytes: 4 * 1_024 * 1_024)))
                    } catch {
                        return .failure(error)
                    }
                }
            }
            switch result {
            case .failure(let failure):
                await record(
                    CrawlPageOutcome(
                        url: current.absoluteString, depth: 0, status: .failed,
                        error: "robots.txt: \(failure.description); nothing fetched from \(host)"))
                return .disallowAll
            case .success(let response):
                switch response.status {
                case 200..<300:
                    let parsed = RobotsTxt(bytes: response.body).rules(for: UserAgent.productToken)
                    if let delay = parsed.crawlDelay { await gate.holdOff(host: host, atLeast: .milliseconds(Int64(delay * 1_000))) }
                    await record(
                        CrawlPageOutcome(
                            url: current.absoluteString, depth: 0, status: .fetched, httpStatus: response.status, bytes: response.body.count))
                    return parsed
                case 300..<400:
                    guard let location = response.location, let next = URLNormaliser.normalise(location, relativeTo: current) else {
                        await record(
                            CrawlPageOutcome(
                                url: current.absoluteString, depth: 0, status: .failed, httpStatus: response.status,
                                error: "robots.txt redirect without a usable Location"))
                        return .allowAll
                    }
                    target = next
                case 429, 500..<600:
                    await record(
                        CrawlPageOutcome(
                            url: current.absoluteString, depth: 0, status: .failed, httpStatus: response.status,
                            error: "robots.txt answered \(response.status): nothing fetched from \(host) in this run"))
                    return .disallowAll
                default:
                    return .allowAll
                }
            }
        }
        await record(CrawlPageOutcome(url: robotsURL.absoluteString, depth: 0, status: .failed, error: "robots.txt: more than 5 redirects"))
        return .allowAll
    }

    /// Publishes what a robots.txt request did, so the task's status shows it beside the pages.
    private func record(_ outcome: CrawlPageOutcome) async {
        do {
            try await sink.publish(items: [], outcome: outcome)
        } catch {
            // The run's own publishing fails the same way and reports it; nothing to add here.
        }
    }
}

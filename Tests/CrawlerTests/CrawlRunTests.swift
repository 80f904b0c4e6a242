import Crawler
import Events
import Foundation
import HTMLExtraction
import Logging
import Synchronization
import Testing

/// A crawl run against pages served from memory: scope, robots.txt, redirects, revisits and the
/// page limit, without a network.
@Suite("Crawl runs")
struct CrawlRunTests {
    /// Serves `pages` (path → HTML), `robots`, a redirect `/old` → `/a`, and 304 to a matching ETag.
    final class MemorySite: PageFetching {
        let pages: [String: String]
        let robots: String
        let requested = Mutex<[String]>([])

        init(pages: [String: String], robots: String = "") {
            self.pages = pages
            self.robots = robots
        }

        func fetch(_ url: URL, options: FetchOptions) async throws(FetchFailure) -> FetchResult {
            let path = url.path.isEmpty ? "/" : url.path
            requested.withLock { $0.append(path) }
            if path == "/robots.txt" { return FetchResult(url: url, status: 200, mediaType: "text/plain", body: Array(robots.utf8)) }
            if path == "/old" { return FetchResult(url: url, status: 301, location: "/a") }
            if path == "/away" { return FetchResult(url: url, status: 302, location: "https://elsewhere.example/x") }
            guard let html = pages[path] else { return FetchResult(url: url, status: 404) }
            let etag = "\"\(ContentHash.hex(Array(html.utf8)))\""
            if options.validators.etag == etag { return FetchResult(url: url, status: 304, validators: Validators(etag: etag)) }
            return FetchResult(url: url, status: 200, mediaType: "text/html", validators: Validators(etag: etag), body: Array(html.utf8))
        }
    }

    final class Outcomes: CrawlSink {
        let outcomes = Mutex<[CrawlPageOutcome]>([])
        let items = Mutex<[Data]>([])

        func publish(items: [Data], outcome: CrawlPageOutcome) async throws {
            self.items.withLock { $0 += items }
            outcomes.withLock { $0.append(outcome) }
        }

        func status(_ path: String) -> CrawlPageOutcome.Status? {
            outcomes.withLock { $0.last { URL(string: $0.url)?.path == path }?.status }
        }
    }

    static let pages = [
        "/":
            #"<html><body><a href="/a">a</a> <a href="/old">old</a> <a href="/away">away</a> <a href="/private/p">p</a> <a href="https://elsewhere.example/y">y</a></body></html>"#,
        "/a": #"<html><body><h1>通知</h1><p class="addr">武汉市武昌区蛇山西山坡特1号</p><a href="/b">b</a><a href="/c">c</a></body></html>"#,
        "/b": #"<html><body><h1>通知</h1><p class="addr">武汉市江汉区江汉路</p></body></html>"#,
        // The same page under another URL.
        "/c": #"<html><body><h1>通知</h1><p class="addr">武汉市江汉区江汉路</p></body></html>"#,
        "/private/p": "<html><body>secret</body></html>",
    ]

    static func run(_ site: MemorySite, memory: [String: PageMemory] = [:], maxPages: Int = 50) async throws -> (Outcomes, [String: Int]) {
        var definition = CrawlDefinition(
            seeds: ["https://site.example/"],
            pageTypes: [PageTypeDefinition(name: "notice", fields: ["title": ExtractionRule(css: "h1"), "address": ExtractionRule(css: "p.addr")])])
        definition.minDelaySeconds = 0
        definition.maxPages = maxPages
        let sink = Outcomes()
        let counts = try await CrawlRun(
            taskID: "t", plan: try CrawlPlan(definition), fetcher: site, gate: HostGate(), limit: ConcurrencyLimit(limit: 2), memory: memory,
            sink: sink, logger: Logger(label: "test")
        ).run()
        return (sink, counts)
    }

    @Test(
        "robots.txt first; disallowed and off-site links never fetched; a redirect in scope followed, out of scope not; equal content gives no second item"
    )
    func firstRun() async throws {
        let site = MemorySite(pages: Self.pages, robots: "User-agent: *\nDisallow: /private/\n")
        let (sink, counts) = try await Self.run(site)
        let requested = site.requested.withLock { $0 }
        #expect(requested.first == "/robots.txt")
        #expect(Set(requested) == ["/robots.txt", "/", "/a", "/old", "/away", "/b", "/c"], "\(requested)")
        #expect(sink.status("/private/p") == .disallowed)
        #expect(sink.status("/old") == .redirected)
        #expect(sink.status("/away") == .redirected)
        #expect(sink.status("/a") == .fetched)
        // /b and /c are the same page: one of them is a duplicate and gives no item.
        #expect(counts["items"] == 2 && counts["duplicate"] == 1, "\(counts)")
        #expect(!requested.contains("/x") && !requested.contains("/y"))
    }

    @Test("a revisit is conditional; an unchanged page answers 304 and the crawl goes on from its remembered links")
    func revisit() async throws {
        let site = MemorySite(pages: Self.pages)
        let (first, _) = try await Self.run(site)
        var memory: [String: PageMemory] = [:]
        for outcome in first.outcomes.withLock({ $0 }) where outcome.etag != nil {
            memory[outcome.url] = PageMemory(
                validators: Validators(etag: outcome.etag), contentHash: outcome.contentHash, links: outcome.links)
        }
        let (second, counts) = try await Self.run(site, memory: memory)
        #expect(second.status("/") == .notModified)
        #expect(second.status("/a") == .notModified)
        #expect(second.status("/b") == .notModified, "reached through the links /a held")
        #expect(second.status("/c") == .notModified)
        #expect(counts["items", default: 0] == 0)
    }

    @Test("max_pages bounds the requests of a run")
    func pageLimit() async throws {
        let site = MemorySite(pages: Self.pages)
        let (_, counts) = try await Self.run(site, maxPages: 2)
        #expect(site.requested.withLock { $0.filter { $0 != "/robots.txt" } }.count == 2)
        #expect(counts["left_in_queue", default: 0] > 0, "\(counts)")
    }
}

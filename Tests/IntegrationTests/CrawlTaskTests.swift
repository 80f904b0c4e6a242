import Foundation
import PostgresNIO
import ShikongTesting
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Crawl tasks on the real services against a fixture site on loopback: added from the command
/// line, paused and resumed through the API, deleted from the command line; robots.txt (with its
/// `Crawl-delay`) honoured, redirects and failures recorded, revisits conditional, pages' items
/// geocoded into `located_items`.
@Suite("Crawl tasks", .serialized)
struct CrawlTaskTests {
    static func definition(_ site: CrawlFixtureSite) -> [String: Any] {
        [
            "seeds": ["\(site.base)/"], "max_depth": 2, "max_pages": 20, "min_delay_seconds": 0,
            "page_types": [
                [
                    "name": "notice", "url_pattern": "/notices/\\d+\\.html$",
                    "fields": [
                        "title": ["css": "h1"], "address": ["css": "p.address"], "time": ["css": "time", "attribute": "datetime"],
                        "text": ["css": "div.content p", "all": true],
                    ],
                ]
            ],
            "labels": ["domain": "crawl", "theme": "notices"],
        ]
    }

    /// Waits until the task's last run is a finished one other than `after`; returns its run id.
    static func waitForRun(_ platform: TestPlatform, _ task: String, after previous: String? = nil) async throws -> [String: Any] {
        func lastRun(_ status: [String: Any]) -> [String: Any]? { (status["details"] as? [String: Any])?["last_run"] as? [String: Any] }
        let status = try await platform.poll("/tasks/\(task)/status", timeout: .seconds(120)) {
            guard let run = lastRun($0) else { return false }
            return run["state"] as? String == "finished" && run["run_id"] as? String != previous
        }
        return try #require(lastRun(status), "\(status)")
    }

    @Test(
        "a crawl fetches exactly the allowed pages, honours Crawl-delay, records the 500, revisits with conditional GETs, and its items land geocoded"
    )
    func crawl() async throws {
        let platform = try await TestPlatform.sharedWithGazetteer()
        let site = try await CrawlFixtureSite.start()
        defer { site.stop() }
        let task = "crawl-\(UUID().uuidString.prefix(6).lowercased())"
        let definitionFile = TestPlatform.scratchRoot.appendingPathComponent("\(task).json")
        try JSONSerialization.data(withJSONObject: Self.definition(site)).write(to: definitionFile)

        // Added from the command line.
        let added = try await SensingCLITests.shikong(
            ["tasks", "add", "--kind", "crawl", "--id", task, "--name", "通知公告", "--definition", "@\(definitionFile.path)"], platform: platform)
        #expect(added.status == 0, "\(added.output)")
        let first = try await Self.waitForRun(platform, task)
        let firstRunID = try #require(first["run_id"] as? String)

        // Exactly the allowed pages, each once: robots.txt first; nothing under /private/, nothing off-site.
        let run1 = site.requests
        #expect(run1.first?.path == "/robots.txt")
        #expect(
            Set(run1.map(\.path)) == ["/robots.txt", "/", "/notices/1.html", "/notices/2.html", "/old.html", "/notices/3.html", "/broken.html"],
            "\(run1.map(\.path))")
        #expect(run1.count == 7, "\(run1.map(\.path))")
        #expect(run1.allSatisfy { $0.userAgent.hasPrefix("Shikong-crawler/") })
        // Crawl-delay: 1 between two requests to the host (a lower bound only: load may only slow it).
        for (earlier, later) in zip(run1, run1.dropFirst()) {
            #expect(later.arrived - earlier.arrived >= .milliseconds(950), "\(earlier.path) → \(later.path): \(later.arrived - earlier.arrived)")
        }
        let counts = try #require(first["counts"] as? [String: Int])
        #expect(counts["fetched"] == 4 && counts["redirected"] == 1 && counts["failed"] == 1 && counts["items"] == 3, "\(counts)")

        // The 500 is on the task's status, with the URL.
        let status = try await platform.get("/tasks/\(task)/status").json
        let failures = (status["details"] as? [String: Any])?["failures"] as? [[String: Any]] ?? []
        #expect(failures.contains { $0["url"] as? String == "\(site.base)/broken.html" && $0["http_status"] as? Int == 500 }, "\(status)")
        #expect((status["errors"] as? Int ?? 0) >= 1)

        // The items land geocoded.
        let urls = (1...3).map { "\(site.base)/notices/\($0).html" }
        #expect(try await platform.waitForCount("SELECT count(*)::int FROM located_items WHERE item_id = ANY(\(urls))") { $0 == 3 } == 3)
        let codes = try await platform.withDatabase { client in
            try await client.query("SELECT item_id, admin_codes FROM located_items WHERE item_id = ANY(\(urls))", logger: .init(label: "test"))
                .decode((String, [String]).self).reduce(into: [String: [String]]()) { $0[$1.0] = $1.1 }
        }
        #expect(codes[urls[0]]?.contains("420106") == true, "黄鹤楼 is in 武昌区: \(codes)")
        #expect(codes[urls[1]]?.contains("420103") == true, "江汉路 is in 江汉区: \(codes)")
        #expect(codes[urls[2]]?.contains("420106") == true, "\(codes)")
        // Every URL's outcome is kept (the disallowed one too, never requested); the next run reads its
        // validators and links from there.
        #expect(try await platform.waitForCount("SELECT count(*)::int FROM crawl_pages WHERE task_id = \(task)") { $0 == 8 } == 8)
        #expect(
            try await platform.count(
                "SELECT count(*)::int FROM crawl_pages WHERE task_id = \(task) AND url = \(site.base + "/private/secret.html") AND status = 'disallowed'"
            ) == 1)
        #expect(
            try await platform.count(
                "SELECT count(*)::int FROM crawl_pages WHERE task_id = \(task) AND url = \(site.base + "/broken.html") AND status = 'failed' AND http_status = 500"
            ) == 1)

        // Page 2 changes; a pause and a resume through the API start a new run.
        site.edition.store(2, ordering: .relaxed)
        let before = site.requests.count
        let paused = try await platform.request("POST", "/tasks/\(task)/pause", headers: ["Shikong-Editor": "alice"])
        #expect(paused.status == 200 && paused.json["state"] as? String == "paused", "\(paused.json)")
        let resumed = try await platform.request("POST", "/tasks/\(task)/resume", headers: ["Shikong-Editor": "bob"])
        #expect(resumed.status == 200 && resumed.json["state"] as? String == "active", "\(resumed.json)")
        let second = try await Self.waitForRun(platform, task, after: firstRunID)
        let run2 = Array(site.requests.dropFirst(before))
        let answered = Dictionary(run2.map { ($0.path, $0.status) }, uniquingKeysWith: { first, _ in first })
        #expect(answered["/notices/2.html"] == 200, "the changed page is fetched again: \(answered)")
        #expect(answered["/notices/1.html"] == 304, "the unchanged page answers 304: \(answered)")
        #expect(answered["/"] == 304, "\(answered)")
        #expect(answered["/private/secret.html"] == nil)
        let secondCounts = try #require(second["counts"] as? [String: Int])
        #expect(secondCounts["items"] == 1, "only the changed page gives an item: \(secondCounts)")
        #expect(
            try await platform.waitForCount(
                "SELECT count(*)::int FROM located_items WHERE item_id = \(urls[1]) AND data->>'title' = '江汉路步行街灯光秀延期'"
            ) { $0 == 1 } == 1)

        // Deleted from the command line; the history lists every change with its editor.
        let deleted = try await SensingCLITests.shikong(["tasks", "delete", task], platform: platform)
        #expect(deleted.status == 0, "\(deleted.output)")
        let history = try await platform.get("/tasks/\(task)/history").json["changes"] as? [[String: Any]] ?? []
        #expect(history.map { $0["type"] as? String ?? "" } == ["task.added", "task.paused", "task.resumed", "task.deleted"], "\(history)")
        #expect(history.map { $0["editor"] as? String ?? "" } == ["erin", "alice", "bob", "erin"], "\(history)")
    }

    @Test("a crawl definition that cannot work is refused with a problem before anything is saved")
    func refused() async throws {
        let platform = try await TestPlatform.shared()
        let answer = try await platform.request(
            "POST", "/tasks",
            json: [
                "kind": "crawl", "id": "bad-crawl",
                "definition": ["seeds": ["ftp://example.invalid/"], "page_types": [["name": "x", "fields": ["title": ["css": "h1["]]]]],
            ], headers: ["Shikong-Editor": "alice"])
        #expect(answer.status == 422 && answer.header("Content-Type")?.hasPrefix("application/problem+json") == true, "\(answer.json)")
        #expect((answer.json["detail"] as? String)?.contains("seeds") == true, "\(answer.json)")
        #expect(try await platform.get("/tasks/bad-crawl").status == 404)
    }
}

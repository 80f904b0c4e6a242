import Foundation
import PostgresNIO
import ShikongTesting
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// API-poll tasks (R-AGG-1) on the real services against a fixture endpoint on loopback: a
/// definition checked against a live sample before it is saved, its records polled into
/// `located_items`, and a broken response reported on the task with nothing of it published.
@Suite("API-poll tasks", .serialized)
struct APIPollTaskTests {
    static func definition(_ site: CrawlFixtureSite, address: String = "addr") -> [String: Any] {
        [
            "url": "\(site.base)/api/notices.json", "format": "json", "records": "data.notices", "produces": "items",
            "mapping": ["id": "code", "address": address, "title": "title", "time": "at"],
            "labels": ["domain": "aggregation", "theme": "notices"], "schedule": ["every_seconds": 2],
        ]
    }

    @Test("a definition is checked against a live sample; its records land; a broken response is reported and publishes nothing")
    func poll() async throws {
        let platform = try await TestPlatform.sharedWithGazetteer()
        let site = try await CrawlFixtureSite.start()
        defer { site.stop() }
        let run = UUID().uuidString.prefix(6).lowercased()
        let editor = ["Shikong-Editor": "alice"]

        // A mapping the live sample does not fit is refused, and nothing is saved.
        let refused = try await platform.request(
            "POST", "/tasks", json: ["kind": "api-poll", "id": "poll-bad-\(run)", "definition": Self.definition(site, address: "missing")],
            headers: editor)
        #expect(refused.status == 422 && refused.header("Content-Type")?.hasPrefix("application/problem+json") == true, "\(refused.json)")
        #expect((refused.json["detail"] as? String)?.contains("live sample") == true, "\(refused.json)")
        #expect(try await platform.get("/tasks/poll-bad-\(run)").status == 404)

        let task = "poll-\(run)"
        let added = try await platform.request(
            "POST", "/tasks", json: ["kind": "api-poll", "id": task, "definition": Self.definition(site)], headers: editor)
        #expect(added.status == 201, "\(added.json)")
        #expect(try await platform.waitForCount("SELECT count(*)::int FROM located_items WHERE item_id = ANY(ARRAY['n1', 'n2'])") { $0 == 2 } == 2)
        let placed = try await platform.withDatabase { client in
            try await client.query(
                "SELECT item_id, admin_codes FROM located_items WHERE item_id = ANY(ARRAY['n1', 'n2'])", logger: .init(label: "test")
            )
            .decode((String, [String]).self).reduce(into: [String: [String]]()) { $0[$1.0] = $1.1 }
        }
        #expect(placed["n1"]?.contains("420106") == true && placed["n2"]?.contains("420103") == true, "\(placed)")

        // The record without an address is a dead letter naming the task and the reason; the others are published.
        #expect(
            try await platform.waitForCount(
                """
                SELECT count(*)::int FROM dead_letters WHERE headers->>'ce_task' = \(task) AND stage = 'ingest.api-poll'
                  AND reason LIKE 'record 2:%' AND convert_from(original, 'UTF8') LIKE '%n3%'
                """
            ) { $0 >= 1 } >= 1)

        // The endpoint breaks: the next poll is a failed run with the reason, and n9 is never published.
        site.brokenAPI.store(true, ordering: .relaxed)
        let status = try await platform.poll("/tasks/\(task)/status", timeout: .seconds(60)) {
            let run = ($0["details"] as? [String: Any])?["last_run"] as? [String: Any]
            return run?["state"] as? String == "failed"
        }
        let lastRun = try #require((status["details"] as? [String: Any])?["last_run"] as? [String: Any])
        #expect((lastRun["error"] as? String)?.contains("not valid JSON") == true, "\(lastRun)")
        #expect((status["last_error"] as? String)?.contains("not valid JSON") == true, "\(status)")
        #expect(
            try await platform.waitForCount("SELECT count(*)::int FROM task_runs WHERE task_id = \(task) AND state = 'failed'") { $0 >= 1 } >= 1)
        #expect(try await platform.count("SELECT count(*)::int FROM event_archive WHERE topic = 'raw.items' AND subject = 'item:n9'") == 0)

        let deleted = try await platform.request("DELETE", "/tasks/\(task)", headers: editor)
        #expect(deleted.status == 200, "\(deleted.json)")
    }
}

import Events
import Foundation
import Platform
import PostgresNIO
import ShikongTesting
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Crawl items placed by the gazetteer through the real path: `POST /items` → `raw.items` → item
/// processor → `spatial.items` → projection → PostGIS → `GET /items`; failures on the dead-letter
/// topic with their reason; operator alias edits as `gazetteer.changes` events that the running
/// engines follow without a restart.
@Suite("Item geocoding", .serialized)
struct ItemGeocodingTests {
    static func line(_ id: String, time: String = "2026-11-20T09:30:00+08:00", address: String? = nil, text: String? = nil) -> String {
        var fields = [#""id":"\#(id)""#, #""time":"\#(time)""#, #""source_url":"https://news.example.cn/\#(id).html""#]
        if let address { fields.append(#""address":"\#(address)""#) }
        if let text { fields.append(#""text":"\#(text)""#) }
        return "{" + fields.joined(separator: ",") + "}"
    }

    @Test("items with only an address, or only a text, end in PostGIS at the right county, in EPSG:4490")
    func placed() async throws {
        let platform = try await TestPlatform.sharedWithGazetteer()
        let run = UUID().uuidString.prefix(6).lowercased()
        let expected = [
            ("addr-\(run)", Self.line("addr-\(run)", address: "湖北省武汉市武昌区八一路299号"), "420106", "address"),
            ("short-\(run)", Self.line("short-\(run)", address: "洪山区珞喻路1037号"), "420111", "address"),
            ("text-\(run)", Self.line("text-\(run)", text: "昨晚，武汉市江汉区江汉路步行街举行灯光秀，吸引大批市民驻足观看。"), "420103", "text"),
            // 襄樊市 became 襄阳市 in 2010: an item from 2008 is read with the divisions valid then.
            ("past-\(run)", Self.line("past-\(run)", time: "2008-05-12T15:00:00+08:00", text: "襄樊市樊城区各界群众踊跃为灾区捐款捐物。"), "420606", "text"),
        ]
        let (status, answer) = try await platform.post("/items", body: expected.map(\.1).joined(separator: "\n"))
        #expect(status == 202, "\(answer)")
        #expect(answer["accepted"] as? Int == 4)
        let ids = expected.map(\.0)
        #expect(try await platform.waitForCount("SELECT count(*)::int FROM located_items WHERE item_id = ANY(\(ids))") { $0 == 4 } == 4)
        let rows = try await platform.withDatabase { client in
            try await client.query(
                """
                SELECT item_id, admin_codes, method, precision, score, ST_SRID(geom), ST_X(geom), ST_Y(geom) FROM located_items
                WHERE item_id = ANY(\(ids)) ORDER BY item_id
                """, logger: .init(label: "test")
            ).decode((String, [String], String, String, Double, Int, Double, Double).self).reduce(
                into: [String: (codes: [String], method: String, precision: String, score: Double, srid: Int, lon: Double, lat: Double)]()
            ) {
                $0[$1.0] = ($1.1, $1.2, $1.3, $1.4, $1.5, $1.6, $1.7)
            }
        }
        for (id, _, county, method) in expected {
            let row = try #require(rows[id])
            #expect(row.codes.contains(county), "\(id): \(row.codes)")
            #expect(row.codes.first == "420000", "\(id): \(row.codes)")
            #expect(row.method == method)
            #expect(row.srid == 4490)
            #expect(row.score > 0.5 && row.score <= 1)
            let (west, south, east, north) = county == "420606" ? (111.5, 31.5, 112.6, 32.5) : (113.6, 29.9, 115.1, 31.4)
            #expect((west...east).contains(row.lon) && (south...north).contains(row.lat), "\(id) at \(row.lon), \(row.lat)")
        }
        #expect(rows["addr-\(run)"]?.precision == "address_point", "\(String(describing: rows["addr-\(run)"]))")

        let feature = try await platform.get("/items/addr-\(run)")
        #expect(feature.status == 200)
        let properties = try #require(feature.json["properties"] as? [String: Any])
        #expect(properties["admin_code"] as? String != nil)
        #expect((properties["admin_codes"] as? [String])?.contains("420106") == true)
        let listed = try await platform.get("/items?admin_code=420111&limit=100").json["features"] as? [[String: Any]] ?? []
        #expect(listed.contains { $0["id"] as? String == "short-\(run)" })
        #expect(!listed.contains { $0["id"] as? String == "addr-\(run)" })
    }

    @Test("an item that names no place goes to the dead-letter topic with the reason and its original bytes")
    func deadLetter() async throws {
        let platform = try await TestPlatform.sharedWithGazetteer()
        let id = "gibberish-\(UUID().uuidString.prefix(6).lowercased())"
        let line = Self.line(id, address: "asdf qwer 12345", text: "哈哈哈哈 今天天气不错")
        let (status, _) = try await platform.post("/items", body: line)
        #expect(status == 202)
        let query: PostgresQuery =
            "SELECT count(*)::int FROM dead_letters WHERE stage = 'processors.items' AND convert_from(original, 'UTF8') = \(line)"
        #expect(try await platform.waitForCount(query) { $0 == 1 } == 1)
        let reason = try await platform.withDatabase { client in
            try await client.query(
                "SELECT reason FROM dead_letters WHERE stage = 'processors.items' AND convert_from(original, 'UTF8') = \(line)",
                logger: .init(label: "test")
            ).decode(String.self).reduce(into: [String]()) { $0.append($1) }
        }
        #expect(reason.first?.contains("cannot place the item") == true, "\(reason)")
        #expect(reason.first?.contains("asdf qwer 12345") == true, "\(reason)")
        #expect(try await platform.count("SELECT count(*)::int FROM located_items WHERE item_id = \(id)") == 0)
    }

    @Test("an alias added over HTTP geocodes within seconds, without a restart, and its removal too")
    func aliasWithoutRestart() async throws {
        let platform = try await TestPlatform.sharedWithGazetteer()
        let alias = "樱园老斋舍"
        let encoded = alias.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? alias
        #expect(try await platform.get("/geocode?q=\(encoded)").status == 422, "the alias must not geocode before it is added")

        let (status, answer) = try await platform.post(
            "/gazetteer/aliases", body: #"{"kind": "address", "alias": "\#(alias)", "target": "point:whu", "scope": "420100"}"#)
        #expect(status == 202, "\(answer)")
        let added = Date()
        let found = try await platform.poll("/geocode?q=\(encoded)", timeout: .seconds(20)) { $0["standardAddress"] != nil }
        #expect(Date().timeIntervalSince(added) < 10)
        #expect((found["standardAddress"] as? String)?.contains("八一路299号") == true, "\(found)")
        #expect(
            try await platform.waitForCount(
                "SELECT count(*)::int FROM gazetteer_changes WHERE type = 'gazetteer.alias.added' AND change::text LIKE \("%" + alias + "%")"
            ) { $0 >= 1 } >= 1)

        // The item processor shares the engine: an item with only the alias is placed in 武昌区.
        let id = "alias-\(UUID().uuidString.prefix(6).lowercased())"
        #expect(try await platform.post("/items", body: Self.line(id, address: alias)).status == 202)
        #expect(
            try await platform.waitForCount("SELECT count(*)::int FROM located_items WHERE item_id = \(id) AND '420106' = ANY(admin_codes)") {
                $0 == 1
            } == 1)

        let removed = try await platform.delete("/gazetteer/aliases?kind=address&alias=\(encoded)&scope=420100")
        #expect(removed == 202)
        let gone = try await platform.poll("/geocode?q=\(encoded)", timeout: .seconds(20)) { $0["standardAddress"] == nil }
        #expect(gone["standardAddress"] == nil)
        #expect(try await platform.get("/geocode?q=\(encoded)").status == 422)
    }

    @Test("imported rows with an address and no geometry are placed by the entity processor through the gazetteer")
    func importedAddresses() async throws {
        let platform = try await TestPlatform.sharedWithGazetteer()
        let name = "schools_\(UUID().uuidString.prefix(6).lowercased())"
        let directory = platform.dataDirectory.appendingPathComponent("imports-\(name)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("schools.csv")
        try "code,名称,地址\nwhu,武汉大学,湖北省武汉市武昌区八一路299号\nhust,华中科技大学,武汉市洪山区珞喻路1037号\n".write(to: file, atomically: true, encoding: .utf8)
        let imported = try await runCLI(
            ["import", file.path, "--collection", name, "--id-field", "code", "--address-column", "地址"], platform: platform)
        #expect(imported.status == 0, "\(imported.output)")
        #expect(imported.output.contains("2 upserted"), "\(imported.output)")
        #expect(
            try await platform.waitForCount(
                "SELECT count(*)::int FROM entity_current WHERE collection = \(name) AND ST_SRID(geom) = 4490 AND ST_Intersects(geom, ST_MakeEnvelope(113.6, 29.9, 115.1, 31.4, 4490))"
            ) { $0 == 2 } == 2)
    }

    @Test("after a gazetteer fix, shikong replay --projection items re-geocodes the located items")
    func replayRegeocodes() async throws {
        let platform = try await TestPlatform.sharedWithGazetteer()
        let alias = "测绘学院旧址"
        let encoded = alias.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? alias
        let body = { (target: String) in #"{"kind": "address", "alias": "\#(alias)", "target": "point:\#(target)", "scope": "420100"}"# }
        #expect(try await platform.post("/gazetteer/aliases", body: body("whu")).status == 202)
        _ = try await platform.poll("/geocode?q=\(encoded)", timeout: .seconds(20)) { $0["standardAddress"] != nil }
        let id = "fixed-\(UUID().uuidString.prefix(6).lowercased())"
        #expect(try await platform.post("/items", body: Self.line(id, address: alias)).status == 202)
        let placed: PostgresQuery = "SELECT count(*)::int FROM located_items WHERE item_id = \(id) AND '420106' = ANY(admin_codes)"
        #expect(try await platform.waitForCount(placed) { $0 == 1 } == 1)

        // The fix: the alias meant another campus. Live items stay where they were placed…
        #expect(try await platform.post("/gazetteer/aliases", body: body("hust")).status == 202)
        let moved = try await platform.poll("/geocode?q=\(encoded)", timeout: .seconds(20)) {
            ($0["standardAddress"] as? String)?.contains("珞喻路1037号") == true
        }
        #expect((moved["standardAddress"] as? String)?.contains("珞喻路1037号") == true, "\(moved)")
        #expect(try await platform.count(placed) == 1)

        // …until the projection is rebuilt with the gazetteer as it is now.
        let replay = try await runCLI(["replay", "--projection", "items", "--data-dir", platform.dataDirectory.path], platform: platform)
        #expect(replay.status == 0, "\(replay.output)")
        #expect(replay.output.contains("swapped in: located_items"), "\(replay.output)")
        #expect(try await platform.count("SELECT count(*)::int FROM located_items WHERE item_id = \(id) AND '420111' = ANY(admin_codes)") == 1)
        #expect(
            try await platform.count("SELECT count(*)::int FROM located_items WHERE item_id LIKE 'addr-%'") >= 1, "other items survive the rebuild")
    }

    @Test("a division renamed over HTTP geocodes by its new name, and by its old one as of an earlier day")
    func rename() async throws {
        let platform = try await TestPlatform.sharedWithGazetteer()
        let (status, answer) = try await platform.post("/gazetteer/divisions/420114/rename", body: #"{"name": "蔡甸新区", "on": "2026-01-01"}"#)
        #expect(status == 202, "\(answer)")
        /// The name of 420114 in a geocode answer.
        func county(_ json: [String: Any]) -> String? {
            ((json["admin"] as? [[String: Any]]) ?? []).first { $0["code"] as? String == "420114" }?["name"] as? String
        }
        let renamed = "武汉市蔡甸新区".addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? ""
        let now = try await platform.poll("/geocode?q=\(renamed)", timeout: .seconds(20)) { county($0) == "蔡甸新区" }
        #expect(county(now) == "蔡甸新区", "\(now)")
        let old = "武汉市蔡甸区".addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? ""
        let before = try await platform.get("/geocode?q=\(old)&as_of=2020-06-01")
        #expect(before.status == 200)
        #expect(county(before.json) == "蔡甸区", "\(before.json)")
        #expect(
            try await platform.waitForCount(
                "SELECT count(*)::int FROM gazetteer_changes WHERE type = 'gazetteer.division.renamed' AND subject = 'division:420114'"
            ) { $0 == 1 } == 1)
    }

    @Test("shikong ingest-items publishes a JSON-lines file; publishing it again changes nothing")
    func ingestFile() async throws {
        let platform = try await TestPlatform.sharedWithGazetteer()
        let run = UUID().uuidString.prefix(6).lowercased()
        let file = platform.dataDirectory.appendingPathComponent("items-\(run).jsonl")
        let lines = [Self.line("file1-\(run)", address: "武汉市江岸区"), Self.line("file2-\(run)", text: "武汉市青山区今日举行马拉松比赛")]
        try (lines.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
        for _ in 0..<2 {
            let result = try await runCLI(["ingest-items", file.path], platform: platform)
            #expect(result.status == 0, "\(result.output)")
            #expect(result.output.contains("published 2 items"), "\(result.output)")
        }
        let query: PostgresQuery =
            "SELECT count(*)::int FROM located_items WHERE item_id IN (\("file1-\(run)"), \("file2-\(run)")) AND admin_code IN ('420102', '420107')"
        #expect(try await platform.waitForCount(query) { $0 == 2 } == 2)
        let events: PostgresQuery =
            "SELECT count(DISTINCT event_id)::int FROM event_archive WHERE topic = 'raw.items' AND subject IN (\("item:file1-\(run)"), \("item:file2-\(run)"))"
        #expect(try await platform.waitForCount(events) { $0 >= 2 } == 2, "the same lines are the same events")
    }
}

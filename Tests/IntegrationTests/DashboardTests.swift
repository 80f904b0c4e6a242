import Demo
import Foundation
import ShikongTesting
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The dashboard in a real browser: Debian's headless Chromium driven by Playwright
/// (`Tests/Browser/dashboard_test.py`) against a platform with a gazetteer (the basemap and the
/// search box need it) and Wuhan's real districts imported twice (a rename and a retirement between).
/// Screenshots of every state are written to `.build/dashboard-screenshots/` for people to look at.
@Suite("Dashboard", .serialized)
struct DashboardTests {
    @Test("the dashboard loads offline, draws districts, travels in time, compares, shows live readings and alerts, searches and fits a phone")
    func dashboard() async throws {
        let platform = try await TestPlatform.sharedWithGazetteer()
        let marker = UUID().uuidString.prefix(6).lowercased()
        let name = "districts_\(marker)"
        let plan = try CityBaseData(gazetteerData: TestPlatform.gazetteerFixtures).districtsImport(
            into: platform.dataDirectory.appendingPathComponent("dashboard-\(marker)"), collection: name)
        let arguments = ["import", plan.file.path, "--collection", name, "--id-field", "code", "--crs", "GCJ-02"]
        #expect(try await runCLI(arguments, platform: platform).status == 0)
        #expect(try await platform.waitForCount("SELECT count(*)::int FROM entity_current WHERE collection = \(name)") { $0 == 13 } == 13)
        try await Task.sleep(for: .milliseconds(1_100))
        let between = Date()
        try await Task.sleep(for: .milliseconds(1_100))

        // The second edition: 武昌区 renamed, 新洲区 gone.
        let original = try JSONSerialization.jsonObject(with: Data(contentsOf: plan.file)) as? [String: Any] ?? [:]
        var features = original["features"] as? [[String: Any]] ?? []
        features.removeAll { ($0["properties"] as? [String: Any])?["code"] as? String == "420117" }
        for index in features.indices where (features[index]["properties"] as? [String: Any])?["code"] as? String == "420106" {
            var properties = features[index]["properties"] as? [String: Any] ?? [:]
            properties["name"] = "武昌区（新）"
            features[index]["properties"] = properties
        }
        try JSONSerialization.data(withJSONObject: ["type": "FeatureCollection", "features": features]).write(to: plan.file)
        #expect(try await runCLI(arguments, platform: platform).status == 0)
        #expect(try await platform.waitForCount("SELECT count(*)::int FROM entity_current WHERE collection = \(name)") { $0 == 12 } == 12)

        // 黄鹤楼 as an address alias, through the gazetteer's live edits.
        let alias = try await platform.post(
            "/gazetteer/aliases", body: #"{"kind":"address","alias":"黄鹤楼","target":"division:420106","scope":"420100"}"#)
        #expect(alias.status == 202, "\(alias.json)")
        _ = try await platform.poll("/geocode?q=%E9%BB%84%E9%B9%A4%E6%A5%BC", timeout: .seconds(20)) { $0["point"] != nil }

        // The basemap: the gazetteer's boundaries, as tiles.
        var basemap = VectorTileTests.DecodedTile(cache: nil, thinned: false, features: [:])
        for _ in 0..<40 where basemap.features["420106"] == nil {
            basemap = try await VectorTileTests.decode("\(platform.baseURL)/tiles/WebMercatorQuad/10/837/420")
            try await Task.sleep(for: .milliseconds(250))
        }
        #expect(basemap.features["420106"]?.properties["name"] as? String == "武昌区", "basemap tile: \(basemap.features.keys.sorted())")

        // A threshold rule on the test's sensor: its reading raises an alert the alerts layer shows.
        let rule = "dashboard-\(marker)"
        let ruleBody = #"{"kind": "threshold", "condition": "pm25 > 100", "subjects": {"prefix": "sensor:live-\#(marker)"}}"#
        let defined = try await LiveFixture.send("PUT", "/alert-rules/\(rule)", body: ruleBody, to: platform)
        #expect(defined.status == 202, "\(defined.json)")

        let output = FileManager.default.currentDirectoryPath + "/.build/dashboard-screenshots"
        try? FileManager.default.removeItem(atPath: output)
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        let config: [String: Any] = [
            "base": platform.baseURL, "out": output, "collection": name, "between": ISO8601DateFormatter().string(from: between),
            "changed": "420106", "removed": "420117", "mqtt_port": platform.ports.mqtt, "sensor": "live-\(marker)", "alert_rule": rule,
            "search": "黄鹤楼", "token": try await platform.adminToken(),
        ]
        let python = TestPlatform.repositoryRoot.appendingPathComponent(".venv/bin/python").path
        let script = TestPlatform.repositoryRoot.appendingPathComponent("Tests/Browser/dashboard_test.py").path
        let configText = String(decoding: try JSONSerialization.data(withJSONObject: config), as: UTF8.self)
        let (status, text) = try await runToolDetached(python, [script, configText])
        try #require(status == 0, "\(text)")
        let line = try #require(text.split(separator: "\n").last.map(String.init))
        let results = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(text)")

        #expect(results["ready"] as? Bool == true, "\(results["status"] ?? "")")
        #expect((results["console_errors"] as? [String] ?? []).isEmpty, "console errors: \(results["console_errors"] ?? [])")
        #expect((results["external_requests"] as? [String] ?? []).isEmpty, "requests leaving 127.0.0.1: \(results["external_requests"] ?? [])")
        #expect(results["districts_now"] as? Int == 12, "drawn now: \(results["names_now"] ?? "")")
        #expect(results["basemap_labels"] as? Int ?? 0 > 0)
        #expect(results["as_of_requests"] as? Int ?? 0 > 0, "the time slider asked for tiles as_of a time")
        #expect(results["districts_as_of"] as? Int == 13, "drawn as of: \(results["names_as_of"] ?? "")")
        #expect((results["names_as_of"] as? [String] ?? []).contains("420106 武昌区"))
        #expect((results["names_now"] as? [String] ?? []).contains("420106 武昌区（新）"))
        #expect(results["districts_back_now"] as? Int == 12)
        let compared = results["compare_items"] as? [[String]] ?? []
        #expect(compared.contains { $0.first == "420106" && $0.dropFirst().first == "changed" }, "\(compared)")
        #expect(compared.contains { $0.first == "420117" && $0.dropFirst().first == "removed" }, "\(compared)")
        #expect(results["compare_left"] as? Int == 13 && results["compare_right"] as? Int == 12)
        #expect((results["compare_highlighted"] as? [String] ?? []).contains("changed"))
        // Where a reading that never showed stopped: when the collection had it, what each live
        // layer went through, what the page warned of.
        let liveDiagnosis = ["projected_seconds", "alert_seconds", "live_state", "map_bounds", "console_warnings"]
            .map { "\($0): \(results[$0] ?? "none")" }.joined(separator: "; ")
        let live = try #require(results["live_seconds"] as? Double, "the MQTT reading never reached the map (\(liveDiagnosis))")
        // Seconds on a quiet machine; the bound only says it appears.
        #expect(live < 240, "the MQTT reading took \(live) s to reach the map")
        #expect(results["live_drawn"] as? Bool == true)
        let sensorsLayer = (results["live_state"] as? [String: Any])?["sensors"] as? [String: Any]
        #expect(sensorsLayer?["connects"] as? Int ?? 0 >= 1, "the sensors layer's stream: \(liveDiagnosis)")
        let streams = Set(results["live_streams"] as? [String] ?? [])
        #expect(streams.isSuperset(of: ["/collections/sensors/live", "/collections/alerts/live"]), "live subscriptions opened: \(streams)")
        let alert = try #require(results["alert_seconds"] as? Double, "the alert never reached the alerts layer")
        #expect(alert < 240, "the alert took \(alert) s to reach the map")
        #expect((results["search_found"] as? String ?? "").contains("武昌区"), "\(results["search_found"] ?? "")")
        let center = results["search_center"] as? [Double] ?? []
        #expect(center.count == 2 && abs(center[0] - 114.3) < 0.1 && abs(center[1] - 30.55) < 0.1, "\(center)")
        #expect((results["popup"] as? String ?? "").contains("武昌区"), "\(results["popup"] ?? "")")
        #expect(results["history_versions"] as? Int ?? 0 >= 2)
        #expect((results["measure"] as? String ?? "").contains("距离"))
        #expect(results["ops_rows"] as? Int ?? 0 > 0)
        #expect(results["english_layers_button"] as? String == "Layers")
        #expect(results["layer_items"] as? Int ?? 0 > 2)
        #expect(results["phone_ready"] as? Bool == true)
        #expect(results["phone_overflow"] as? Int ?? 1 <= 0, "the page is wider than a phone")
        #expect(results["phone_districts"] as? Int == 12)
        #expect(results["chart_points"] as? Int ?? 0 >= 1, "the district's hourly series has the live reading")
        #expect((results["steps"] as? [String] ?? []).count == 12)
    }
}

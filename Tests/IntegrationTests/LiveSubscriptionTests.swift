import Events
import Foundation
import MQTT
import PostgresNIO
import ShikongTesting
import Testing

/// Live subscriptions against the real pipeline: MQTT readings → Kafka → spatialiser → archive and
/// projection, and subscribers over Server-Sent Events and WebSocket (real clients in child processes).
@Suite("Live subscriptions", .serialized)
struct LiveSubscriptionTests {
    /// Readings of 20 sensors spread over 114.30–114.39°E, 30.50–30.59°N, pm25 cycling 0…99, each at its own time.
    struct Feed {
        let prefix = "live-\(UUID().uuidString.prefix(8).lowercased())"
        let start = Date().addingTimeInterval(-1_800)
        var next = 0

        mutating func messages(_ count: Int) -> [MQTTMessage] {
            (0..<count).map { _ in
                defer { next += 1 }
                let sensor = next % 20
                let time = start.addingTimeInterval(Double(next) * 0.01)
                let payload =
                    #"{"ts":"\#(Timestamp.format(time))","lon":\#(114.30 + Double(sensor % 10) * 0.01),"lat":\#(30.50 + Double(sensor / 10) * 0.05),"pm25":\#(next % 100)}"#
                return MQTTMessage(topic: "city/\(prefix)-\(sensor)/air", payload: Array(payload.utf8))
            }
        }

        /// Half the sensors' box, and an attribute condition that holds for about half the readings.
        var query: String {
            let filter = "pm25 >= 50 AND sensor_id LIKE '\(prefix)-%'".addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            return "bbox=114.295,30.495,114.345,30.605&filter=\(filter)"
        }
    }

    static func publisher(_ platform: TestPlatform, _ name: String) throws -> MQTTPublisher {
        try MQTTPublisher(
            connection: MQTTConnection(host: platform.configuration.mqttHost, port: platform.configuration.mqttPort, clientID: "test-\(name)"))
    }

    /// The ids the projection answers for the same bbox and filter.
    static func projected(_ platform: TestPlatform, _ feed: Feed) async throws -> Set<String> {
        let answer = try await platform.get("/collections/readings/items?\(feed.query)&limit=10000")
        return Set((answer.json["features"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String })
    }

    /// Publishes readings and waits until the projection holds all of them.
    static func publish(_ platform: TestPlatform, _ publisher: MQTTPublisher, _ messages: [MQTTMessage], prefix: String, total: Int) async throws {
        try await publisher.publishAll(messages)
        #expect(await publisher.acknowledged())
        let stored = try await platform.waitForCount("SELECT count(*)::int FROM sensor_readings WHERE sensor_id LIKE \(prefix + "-%")") {
            $0 >= total
        }
        #expect(stored == total)
    }

    /// The features a client received: ids in order, and whether any came twice.
    static func features(_ lines: [LiveClient.Line]) -> [String] { lines.filter(\.isFeature).compactMap(\.featureID) }

    @Test("since an hour back while readings stream in: the archive, then live, equal to the projection; a reconnect continues exactly")
    func catchUpThenLive() async throws {
        let platform = try await TestPlatform.shared()
        var feed = Feed()
        let prefix = feed.prefix
        let publisher = try Self.publisher(platform, prefix)
        defer { publisher.close() }
        // In the archive before the subscriber comes (and pm25 a known queryable).
        let first = feed.messages(600)
        try await Self.publish(platform, publisher, first, prefix: prefix, total: 600)
        _ = try await platform.poll("/collections/readings/queryables") { (($0["properties"] as? [String: Any])?["pm25"]) != nil }

        let since = Timestamp.format(Date().addingTimeInterval(-3_600))
        let sse = try LiveClient([platform.baseURL + "/collections/readings/live?\(feed.query)&since=\(since)"])
        let webSocket = try LiveClient(["--ws", platform.baseURL + "/collections/readings/live?\(feed.query)&since=\(since)"])
        defer { sse.stop(); webSocket.stop() }
        // More readings stream in while the subscribers catch up, in bursts as fast as the pipeline takes them.
        for _ in 0..<6 {
            try await publisher.publishAll(feed.messages(400))
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(await publisher.acknowledged())
        try await Self.publish(platform, publisher, [], prefix: prefix, total: 3_000)
        let expected = try await Self.projected(platform, feed)
        #expect(expected.count > 500, "the query should select a good part of 3,000 readings")

        for (client, name) in [(sse, "SSE"), (webSocket, "WebSocket")] {
            // A subscription in the past waits for the archive to reach the live tail: slow on a loaded machine.
            try await client.wait(timeout: .seconds(150)) { Self.features($0).count >= expected.count }
            let lines = client.received
            let received = Self.features(lines)
            #expect(Set(received) == expected, "\(name): \(received.count) received, \(expected.count) projected")
            #expect(received.count == Set(received).count, "\(name): a feature came twice")
            let handover = try #require(lines.firstIndex { $0.event == "live" }, "\(name): no live message")
            let replayed = lines[..<handover].filter(\.isFeature).count
            #expect(replayed > 0, "\(name): nothing replayed from the archive")
            #expect(
                !lines.contains { $0.event == "gap" || $0.event == "error" }, "\(name): \(lines.filter { $0.event == "gap" || $0.event == "error" })")
        }

        // Reconnecting with the cursor of a message in the middle gives exactly what followed it.
        let sent = sse.received.filter(\.isFeature)
        let middle = sent[sent.count / 2]
        let cursor = try #require(middle.id)
        let resumed = try LiveClient(["--header", "Last-Event-ID: \(cursor)", platform.baseURL + "/collections/readings/live?\(feed.query)"])
        defer { resumed.stop() }
        let after = Set(sent[(sent.count / 2 + 1)...].compactMap(\.featureID))
        try await resumed.wait { Self.features($0).count >= after.count && $0.contains { $0.event == "live" } }
        #expect(Set(Self.features(resumed.received)) == after)
        #expect(Self.features(resumed.received).count == after.count)
        // The same with the cursor as `since` over a WebSocket.
        let since2 = cursor.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? cursor
        let resumedWS = try LiveClient(["--ws", platform.baseURL + "/collections/readings/live?\(feed.query)&since=\(since2)"])
        defer { resumedWS.stop() }
        try await resumedWS.wait { Self.features($0).count >= after.count && $0.contains { $0.event == "live" } }
        #expect(Set(Self.features(resumedWS.received)) == after)
    }

    @Test("a subscription starting now begins where the projection is: what /items does not show yet comes before `live`")
    func nowStartsAtTheProjection() async throws {
        // A platform of its own: the test moves the sensors projection's stored positions back, as
        // if it had not applied the feed yet, and no other test's readings may move them on.
        let platform = try await TestPlatform.start()
        defer { Task { await platform.discard() } }
        var feed = Feed()
        let prefix = feed.prefix
        let publisher = try Self.publisher(platform, prefix)
        defer { publisher.close() }
        try await Self.publish(platform, publisher, feed.messages(40), prefix: prefix, total: 40)
        let ours: PostgresQuery = "SELECT count(*)::int FROM event_archive WHERE topic = 'spatial.events' AND subject LIKE \("sensor:\(prefix)-%")"
        #expect(try await platform.waitForCount(ours) { $0 == 40 } == 40, "the feed in the archive")
        let filter = "sensor_id LIKE '\(prefix)-%'".addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        let url = platform.baseURL + "/collections/readings/live?filter=\(filter)"
        func beforeLive(_ client: LiveClient) async throws -> [String] {
            try await client.wait(timeout: .seconds(60)) { $0.contains { $0.event == "live" } }
            let lines = client.received
            let handover = try #require(lines.firstIndex { $0.event == "live" }, "no live message: \(lines.suffix(3))")
            return Self.features(Array(lines[..<handover]))
        }

        // Projected already: a subscription from now has nothing of the feed to catch up on.
        let current = try LiveClient([url])
        defer { current.stop() }
        #expect(try await beforeLive(current).isEmpty)

        // The projection "behind" the feed: a new subscriber gets the feed first, from the archive.
        let moved = try await platform.count(
            """
            UPDATE projection_positions AS p SET next_offset = ours.first
            FROM (SELECT partition, min("offset") AS first FROM event_archive
                  WHERE topic = 'spatial.events' AND subject LIKE \("sensor:\(prefix)-%") GROUP BY partition) AS ours
            WHERE p.projection = 'sensors' AND p.topic = 'spatial.events' AND p.partition = ours.partition
            RETURNING 1
            """)
        #expect(moved > 0)
        let behind = try LiveClient([url])
        defer { behind.stop() }
        let caughtUp = try await beforeLive(behind)
        let projected = try await platform.get("/collections/readings/items?filter=\(filter)&limit=100")
        let expected = Set((projected.json["features"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String })
        #expect(expected.count == 40)
        #expect(Set(caughtUp) == expected && caughtUp.count == 40, "\(caughtUp.count) before live")
    }

    @Test("a slow subscriber gets a gap with what it missed and where to resume; the others get everything")
    func slowSubscriberGap() async throws {
        let platform = try await TestPlatform.shared()
        var feed = Feed()
        let prefix = feed.prefix
        let publisher = try Self.publisher(platform, prefix)
        defer { publisher.close() }
        // Every reading of the feed, to fill a buffer fast.
        let filter = "sensor_id LIKE '\(prefix)-%'".addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        let url = platform.baseURL + "/collections/readings/live?filter=\(filter)"
        // The slow one reads nothing until the whole burst went out (the fast one has it all): about
        // 8 MB of messages, well over its buffer (1 MiB) and what the kernel's socket buffers hold
        // (the server's send buffer grows up to 4 MiB on loopback, whatever the reader's window).
        let go = platform.dataDirectory.appendingPathComponent("slow-\(prefix)")
        let slow = try LiveClient(["--rcvbuf", "4096", "--wait-for", go.path, url])
        let fast = try LiveClient([url])
        defer { slow.stop(); fast.stop() }
        try await fast.wait(timeout: .seconds(20)) { $0.contains { $0.event == "live" } }
        try await slow.wait(timeout: .seconds(20)) { $0.contains { $0.event == "connected" } }
        try await Task.sleep(for: .milliseconds(500))
        // In bursts of 1,000, each stored before the next: the fast subscriber's connection (a debug
        // build's, on a machine other tests load) must drain each burst before the next arrives,
        // as a dashboard would under a city's feeds, while the slow one overflows all the same.
        // In one burst of 15,000 the fast one got a gap too, on a loaded machine and then alone.
        let total = 15_000
        for burst in 1...15 {
            try await Self.publish(platform, publisher, feed.messages(1_000), prefix: prefix, total: burst * 1_000)
        }

        // Everything is stored by now; under a loaded machine the live stream may still be behind.
        try await fast.wait(timeout: .seconds(180)) { Self.features($0).count >= total }
        _ = FileManager.default.createFile(atPath: go.path, contents: nil)
        let fastIDs = Self.features(fast.received)
        #expect(fastIDs.count == total && Set(fastIDs).count == total, "the fast subscriber got \(fastIDs.count)")
        #expect(!fast.received.contains { $0.event == "gap" })

        // The slow one reads at last: what fitted, then a gap, then the end of the stream.
        try await slow.wait(timeout: .seconds(60)) { $0.contains { $0.event == "closed" } }
        let lines = slow.received
        let gap = try #require(lines.first { $0.event == "gap" }, "no gap: \(lines.suffix(3))")
        let missed = try #require(gap.json["missed"] as? Int)
        let got = Self.features(lines)
        #expect(missed > 0 && got.count + missed == total, "got \(got.count), missed \(missed)")
        // Resuming from the gap's cursor replays exactly what was missed.
        let resume = try #require(gap.id)
        let resumed = try LiveClient(["--header", "Last-Event-ID: \(resume)", url])
        defer { resumed.stop() }
        try await resumed.wait { Self.features($0).count >= missed && $0.contains { $0.event == "live" } }
        let again = Self.features(resumed.received)
        #expect(again.count == missed)
        #expect(Set(again).union(got) == Set(fastIDs) && Set(again).isDisjoint(with: got))
    }

    @Test("alerts and aggregate windows can be followed: each change comes as it happens, the same features the collections serve")
    func alertsAndAggregates() async throws {
        let platform = try await TestPlatform.shared()
        let run = UUID().uuidString.prefix(6).lowercased()
        let sensor = "follow-\(run)"
        let rule = "follow-\(run)"
        let aggregation = "follow-\(run)"
        // Xi'an: an area no other test uses.
        let (lon, lat) = (108.95, 34.25)
        try await LiveFixture.define(
            "/alert-rules", id: rule,
            body: #"{"kind": "threshold", "subjects": {"ids": ["sensor:\#(sensor)"]}, "condition": "pm25 > 75", "clear": "pm25 <= 60"}"#,
            on: platform)
        try await LiveFixture.define(
            "/aggregations", id: aggregation,
            body: """
                {"window": {"size": "10s"}, "group_by": ["sensor"], "values": ["pm25"], "bbox": [108.8, 34.1, 109.1, 34.4],
                 "allowed_lateness": "0s", "correction_horizon": "10m", "idle_timeout": "1s"}
                """, on: platform)
        func query(_ condition: String) -> String { condition.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "" }
        let alerts = try LiveClient([platform.baseURL + "/collections/alerts/live?filter=\(query("rule = '\(rule)'"))"])
        let windows = try LiveClient([
            platform.baseURL + "/collections/aggregates/live?filter=\(query("aggregation = '\(aggregation)'"))&bbox=108.8,34.1,109.1,34.4"
        ])
        defer { alerts.stop(); windows.stop() }
        for client in [alerts, windows] { try await client.wait(timeout: .seconds(20)) { $0.contains { $0.event == "live" } } }

        // 30 s of readings: high for 10 s (raised), low after (cleared); then one far later, so
        // every window of the 30 s closes.
        let start = LiveFixture.aligned(secondsAgo: 600, to: 10)
        let series = (0..<30).map { second in
            LiveFixture.reading(
                sensor: sensor, at: start.addingTimeInterval(Double(second)), lon: lon, lat: lat, values: ["pm25": second < 10 ? 90 : 40])
        }
        try await LiveFixture.publish(series, to: platform, client: sensor)
        try await Task.sleep(for: .seconds(2))
        try await LiveFixture.publish(
            [LiveFixture.reading(sensor: sensor, at: start.addingTimeInterval(120), lon: lon, lat: lat, values: ["pm25": 40])], to: platform,
            client: sensor)

        try await alerts.wait(timeout: .seconds(30)) { Self.features($0).count >= 2 }
        let alertMessages = alerts.received.filter(\.isFeature).map { $0.json }
        let statuses = alertMessages.compactMap { (($0["feature"] as? [String: Any])?["properties"] as? [String: Any])?["status"] as? String }
        #expect(statuses == ["raised", "cleared"], "\(alertMessages)")
        let stored = try await platform.poll("/collections/alerts/items?rule=\(rule)", timeout: .seconds(30)) {
            (($0["features"] as? [[String: Any]])?.first?["properties"] as? [String: Any])?["status"] as? String == "cleared"
        }
        let storedIDs = Set((stored["features"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String })
        #expect(storedIDs.count == 1 && Set(Self.features(alerts.received)) == storedIDs)

        let page = try await platform.poll("/collections/aggregates/items?aggregation=\(aggregation)&limit=100", timeout: .seconds(60)) {
            ($0["numberReturned"] as? Int ?? 0) >= 3
        }
        let windowIDs = Set((page["features"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String })
        try await windows.wait(timeout: .seconds(30)) { Set(Self.features($0)).isSuperset(of: windowIDs) }
        #expect(Set(Self.features(windows.received)) == windowIDs, "windows followed \(Self.features(windows.received)), served \(windowIDs)")
        let counts = windows.received.filter(\.isFeature).compactMap {
            (($0.json["feature"] as? [String: Any])?["properties"] as? [String: Any])?["count"] as? Int
        }
        #expect(counts == [10, 10, 10], "\(counts)")
    }

    @Test("a subscription that cannot be served is a 400 problem, over SSE and before a WebSocket upgrade")
    func refused() async throws {
        let platform = try await TestPlatform.shared()
        for query in ["limit=5", "since=yesterday", "filter=nope%20%3E", "since=dlq%400%3A1"] {
            let client = try LiveClient([platform.baseURL + "/collections/readings/live?\(query)"])
            try await client.wait(timeout: .seconds(10)) { $0.contains { $0.event == "closed" } }
            let answer = try #require(client.received.first { $0.event == "http-error" }, "\(query): \(client.received)")
            #expect(answer.json["status"] as? String == "HTTP/1.1 400 Bad Request", "\(query)")
        }
        let missing = try await platform.get("/collections/no-such-collection/live")
        #expect(missing.status == 404)
        let document = try await platform.get("/api/async")
        #expect(document.json["asyncapi"] as? String == "2.6.0")
    }
}

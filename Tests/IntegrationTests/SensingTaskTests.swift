import Events
import Foundation
import MQTT
import PostgresNIO
import ShikongTesting
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Sensing tasks on the real services: an MQTT feed added, paused, resumed, changed and deleted
/// through the API while the platform runs, its readings checked against the sensor registry, its
/// silent sensors reported, its history and live figures.
@Suite("Sensing tasks and the sensor registry", .serialized)
struct SensingTaskTests {
    static let editor = ["Shikong-Editor": "alice"]

    /// A thing with a water-level datastream (m, 0–40) and a flow one (m3/s, 0–100000).
    static func register(_ platform: TestPlatform, thing: String) async throws {
        let things = try await platform.request(
            "POST", "/things", json: ["id": thing, "name": "gauge \(thing)", "location": ["type": "Point", "coordinates": [114.29, 30.58]]],
            headers: editor)
        #expect(things.status == 201, "\(things.json)")
        for (property, unit, maximum) in [("level", "m", 40.0), ("flow", "m3/s", 100_000.0)] {
            let stream = try await platform.request(
                "POST", "/datastreams",
                json: [
                    "id": "\(thing).\(property)", "thing": thing, "observed_property": property, "unit": unit, "minimum": 0, "maximum": maximum,
                    "labels": ["domain": "iot", "industry": "water", "theme": "hydrology"],
                ], headers: editor)
            #expect(stream.status == 201, "\(stream.json)")
        }
    }

    static func publisher(_ platform: TestPlatform, _ name: String) throws -> MQTTPublisher {
        try MQTTPublisher(
            connection: MQTTConnection(host: platform.configuration.mqttHost, port: platform.configuration.mqttPort, clientID: "test-\(name)"))
    }

    static func reading(_ topic: String, at date: Date, level: Double, extra: String = "") -> MQTTMessage {
        MQTTMessage(
            topic: topic, payload: Array(#"{"ts":"\#(Timestamp.format(date))","lon":114.29,"lat":30.58,"values":{"level":\#(level)}\#(extra)}"#.utf8))
    }

    static func readingCount(_ platform: TestPlatform, sensor: String) async throws -> Int {
        try await platform.count("SELECT count(*)::int FROM sensor_readings WHERE sensor_id = \(sensor)")
    }

    /// Waits until the task's status says its subscription holds (or not), to `filter` when given.
    static func waitSubscribed(_ platform: TestPlatform, _ task: String, _ subscribed: Bool, filter: String? = nil) async throws {
        func matches(_ status: [String: Any]) -> Bool {
            let details = status["details"] as? [String: Any]
            return details?["subscribed"] as? Bool == subscribed && (filter == nil || details?["topic_filter"] as? String == filter)
        }
        let status = try await platform.poll("/tasks/\(task)/status", timeout: .seconds(60), until: matches)
        #expect(matches(status), "\(status)")
    }

    @Test(
        "a feed added through the API flows within seconds; pausing loses nothing in flight; resume, change and delete; the history lists each change"
    )
    func feedLifecycle() async throws {
        let platform = try await TestPlatform.shared()
        try await Self.register(platform, thing: "gauge-1")
        let added = try await platform.request(
            "POST", "/tasks",
            json: [
                "id": "river-levels", "kind": "mqtt-feed", "name": "River levels",
                "definition": ["topic_filter": "river/+/level", "units": ["level": "m"], "expected_interval_seconds": 60],
            ], headers: Self.editor)
        #expect(added.status == 201, "\(added.json)")
        #expect(added.header("ETag") == "\"1\"")
        #expect((added.json["definition"] as? [String: Any])?["binding"] as? String == "registry")

        // Flowing within seconds of the answer.
        let publisher = try Self.publisher(platform, "river")
        defer { publisher.close() }
        let addedAt = ContinuousClock.now
        try await Self.waitSubscribed(platform, "river-levels", true)
        let start = Date().addingTimeInterval(-3_600)
        try await publisher.publishAll([Self.reading("river/gauge-1/level", at: start, level: 3.2)])
        #expect(
            try await platform.waitForCount("SELECT count(*)::int FROM sensor_readings WHERE sensor_id = 'gauge-1'", timeout: .seconds(60)) {
                $0 == 1
            } == 1)
        // Alone this takes a few seconds; the bound leaves room for the shared platform under the whole suite's load.
        #expect(ContinuousClock.now - addedAt < .seconds(60), "flowing within seconds of being added")
        // The archive is its own consumer: it may file the event a moment after the projection.
        let labelled = try await platform.waitForCount(
            """
            SELECT count(*)::int FROM event_archive WHERE topic = 'spatial.events' AND subject = 'sensor:gauge-1'
              AND headers @> '[{"k": "ce_task", "v": "river-levels"}]'
            """, timeout: .seconds(60)
        ) { $0 >= 1 }
        #expect(labelled == 1)

        // Pause right after a burst: every message published before the pause still arrives.
        let burst = (1...300).map { Self.reading("river/gauge-1/level", at: start.addingTimeInterval(Double($0)), level: 3 + Double($0 % 10) / 10) }
        try await publisher.publishAll(burst)
        #expect(await publisher.acknowledged())
        let paused = try await platform.request("POST", "/tasks/river-levels/pause", headers: Self.editor)
        #expect(paused.status == 200 && paused.json["state"] as? String == "paused", "\(paused.json)")
        #expect(
            try await platform.waitForCount("SELECT count(*)::int FROM sensor_readings WHERE sensor_id = 'gauge-1'", timeout: .seconds(90)) {
                $0 == 301
            } == 301)
        try await Self.waitSubscribed(platform, "river-levels", false)

        // While paused, nothing new flows.
        try await publisher.publishAll([Self.reading("river/gauge-1/level", at: start.addingTimeInterval(1_000), level: 4)])
        try await Task.sleep(for: .seconds(3))
        #expect(try await Self.readingCount(platform, sensor: "gauge-1") == 301)

        // Resumed, it continues.
        let resumed = try await platform.request("POST", "/tasks/river-levels/resume", headers: ["Shikong-Editor": "bob"])
        #expect(resumed.status == 200 && resumed.json["state"] as? String == "active")
        try await Self.waitSubscribed(platform, "river-levels", true)
        try await publisher.publishAll([Self.reading("river/gauge-1/level", at: start.addingTimeInterval(1_001), level: 4.1)])
        #expect(
            try await platform.waitForCount("SELECT count(*)::int FROM sensor_readings WHERE sensor_id = 'gauge-1'", timeout: .seconds(60)) {
                $0 >= 302
            } >= 302)

        // Changed (a conditional change with a stale ETag is refused), it takes another topic.
        let stale = try await platform.request(
            "PATCH", "/tasks/river-levels", json: ["definition": ["topic_filter": "rivers/+/level"]], headers: ["If-Match": "\"1\""])
        #expect(stale.status == 412)
        let version = try #require(resumed.header("ETag"))
        let changed = try await platform.request(
            "PATCH", "/tasks/river-levels", json: ["definition": ["topic_filter": "rivers/+/level"]],
            headers: ["If-Match": version, "Shikong-Editor": "carol"])
        #expect(changed.status == 200, "\(changed.json)")
        #expect((changed.json["definition"] as? [String: Any])?["expected_interval_seconds"] as? Double == 60, "a merge patch keeps the rest")
        try await Self.waitSubscribed(platform, "river-levels", true, filter: "rivers/+/level")
        try await publisher.publishAll([
            Self.reading("rivers/gauge-1/level", at: start.addingTimeInterval(2_000), level: 5),
            Self.reading("river/gauge-1/level", at: start.addingTimeInterval(2_001), level: 5),
        ])
        #expect(
            try await platform.waitForCount("SELECT count(*)::int FROM sensor_readings WHERE sensor_id = 'gauge-1'", timeout: .seconds(60)) {
                $0 >= 303
            } == 303)
        try await Task.sleep(for: .seconds(2))
        #expect(try await Self.readingCount(platform, sensor: "gauge-1") == 303, "the old topic is no longer taken")

        // Status and metrics show the feed's figures.
        let status = try await platform.get("/tasks/river-levels/status").json
        #expect((status["messages"] as? Int ?? 0) >= 1 && status["last_message_at"] is String, "\(status)")
        var metricsRequest = URLRequest(url: URL(string: platform.baseURL + "/metrics")!)
        try await platform.authorize(&metricsRequest)
        let (metrics, _) = try await URLSession.shared.data(for: metricsRequest)
        #expect(String(decoding: metrics, as: UTF8.self).contains(#"shikong_task_messages_total{task="river-levels",kind="mqtt-feed"}"#))

        // Deleted, it stops for good.
        let deleted = try await platform.request("DELETE", "/tasks/river-levels", headers: Self.editor)
        #expect(deleted.status == 200 && deleted.json["state"] as? String == "deleted")
        // A deleted task has no runner left: no process reports it any more.
        let gone = try await platform.poll("/tasks/river-levels/status", timeout: .seconds(60)) {
            ($0["processes"] as? [Any])?.isEmpty == true
        }
        #expect(gone["running"] as? Bool == false && gone["state"] as? String == "deleted", "\(gone)")
        try await publisher.publishAll([Self.reading("rivers/gauge-1/level", at: start.addingTimeInterval(3_000), level: 6)])
        try await Task.sleep(for: .seconds(3))
        #expect(try await Self.readingCount(platform, sensor: "gauge-1") == 303)
        #expect(try await platform.request("POST", "/tasks/river-levels/resume").status == 404)
        let listed = try await platform.get("/tasks").json["tasks"] as? [[String: Any]] ?? []
        #expect(!listed.contains { $0["id"] as? String == "river-levels" }, "deleted tasks are listed only with state=deleted")

        let history = try await platform.get("/tasks/river-levels/history").json
        let changes = try #require(history["changes"] as? [[String: Any]])
        #expect(changes.map { $0["type"] as? String ?? "" } == ["task.added", "task.paused", "task.resumed", "task.changed", "task.deleted"])
        #expect(changes.map { $0["editor"] as? String ?? "" } == ["alice", "alice", "bob", "carol", "alice"])
        #expect(changes.map { $0["version"] as? Int ?? 0 } == [1, 2, 3, 4, 5])
    }

    @Test("a reading with a wrong unit, an impossible value or no datastream is a dead letter naming the datastream")
    func readingsAgainstTheRegistry() async throws {
        let platform = try await TestPlatform.shared()
        try await Self.register(platform, thing: "gauge-2")
        let added = try await platform.request(
            "POST", "/tasks", json: ["id": "checked-levels", "kind": "mqtt-feed", "definition": ["topic_filter": "checked/+/level"]],
            headers: Self.editor)
        #expect(added.status == 201)
        try await Self.waitSubscribed(platform, "checked-levels", true)
        let publisher = try Self.publisher(platform, "checked")
        defer { publisher.close() }
        let start = Date().addingTimeInterval(-7_200)
        try await publisher.publishAll([
            Self.reading("checked/gauge-2/level", at: start, level: 350, extra: #","units":{"level":"cm"}"#),
            Self.reading("checked/gauge-2/level", at: start.addingTimeInterval(1), level: 400),
            MQTTMessage(
                topic: "checked/gauge-2/level",
                payload: Array(#"{"ts":"\#(Timestamp.format(start.addingTimeInterval(2)))","lon":114.29,"lat":30.58,"values":{"turbidity":3}}"#.utf8)),
            Self.reading("checked/gauge-2/level", at: start.addingTimeInterval(3), level: 12.5),
        ])
        let letters = "SELECT count(*)::int FROM dead_letters WHERE stage = 'processors.spatialiser' AND headers->>'ce_task' = 'checked-levels'"
        #expect(try await platform.waitForCount(PostgresQuery(unsafeSQL: letters), timeout: .seconds(90)) { $0 >= 3 } == 3)
        let reasons = try await platform.withDatabase { client in
            var reasons: [String] = []
            let rows = try await client.query(
                "SELECT reason FROM dead_letters WHERE headers->>'ce_task' = 'checked-levels' ORDER BY reason", logger: .init(label: "test"))
            for try await reason in rows.decode(String.self) { reasons.append(reason) }
            return reasons
        }
        #expect(reasons.contains { $0.contains("unit mismatch") && $0.contains("gauge-2.level") && $0.contains("cm") })
        #expect(reasons.contains { $0.contains("out of range") && $0.contains("gauge-2.level") && $0.contains("[0, 40] m") })
        #expect(reasons.contains { $0.contains("unknown datastream") && $0.contains("turbidity") })
        #expect(
            try await platform.waitForCount("SELECT count(*)::int FROM sensor_readings WHERE sensor_id = 'gauge-2'", timeout: .seconds(60)) {
                $0 == 1
            } == 1)
        let status = try await platform.poll("/tasks/checked-levels/status", timeout: .seconds(30)) {
            (($0["dead_letters"] as? [String: Any])?["total"] as? Int ?? 0) == 3
        }
        #expect((status["dead_letters"] as? [String: Any])?["total"] as? Int == 3, "\(status)")

        // A datastream registered just before its first reading is not refused: the spatialiser
        // catches up with the registry before it calls a datastream unknown.
        let stream = try await platform.request(
            "POST", "/datastreams",
            json: [
                "id": "gauge-2.turbidity", "thing": "gauge-2", "observed_property": "turbidity", "unit": "{NTU}",
                "labels": ["domain": "iot", "theme": "water-quality"],
            ])
        #expect(stream.status == 201, "\(stream.json)")
        try await publisher.publishAll([
            MQTTMessage(
                topic: "checked/gauge-2/level",
                payload: Array(#"{"ts":"\#(Timestamp.format(start.addingTimeInterval(4)))","lon":114.29,"lat":30.58,"values":{"turbidity":3}}"#.utf8))
        ])
        #expect(
            try await platform.waitForCount("SELECT count(*)::int FROM sensor_readings WHERE sensor_id = 'gauge-2'", timeout: .seconds(60)) {
                $0 == 2
            } == 2)
        _ = try await platform.request("DELETE", "/tasks/checked-levels")
    }

    @Test("a sensor silent for its expected intervals is reported as an alert, cleared when it speaks")
    func silentSensors() async throws {
        let platform = try await TestPlatform.shared()
        let added = try await platform.request(
            "POST", "/tasks",
            json: [
                "id": "quiet-feed", "kind": "mqtt-feed",
                "definition": ["topic_filter": "quiet/+/level", "binding": "none", "expected_interval_seconds": 1, "silent_after_intervals": 2],
            ])
        #expect(added.status == 201)
        try await Self.waitSubscribed(platform, "quiet-feed", true)
        let publisher = try Self.publisher(platform, "quiet")
        defer { publisher.close() }
        try await publisher.publishAll([Self.reading("quiet/q-1/level", at: Date(), level: 1)])
        let raised =
            "SELECT count(*)::int FROM event_archive WHERE topic = 'alerts' AND subject = 'alert:silence:quiet-feed/sensor:q-1' AND type = 'alert.raised'"
        #expect(try await platform.waitForCount(PostgresQuery(unsafeSQL: raised), timeout: .seconds(60)) { $0 >= 1 } == 1)
        let status = try await platform.poll("/tasks/quiet-feed/status", timeout: .seconds(30)) {
            (($0["details"] as? [String: Any])?["silent_sensors"] as? [String]) == ["q-1"]
        }
        #expect((status["details"] as? [String: Any])?["silent_sensors"] as? [String] == ["q-1"])
        try await publisher.publishAll([Self.reading("quiet/q-1/level", at: Date(), level: 1.1)])
        let cleared =
            "SELECT count(*)::int FROM event_archive WHERE topic = 'alerts' AND subject = 'alert:silence:quiet-feed/sensor:q-1' AND type = 'alert.cleared'"
        #expect(try await platform.waitForCount(PostgresQuery(unsafeSQL: cleared), timeout: .seconds(60)) { $0 >= 1 } == 1)
        // The live layer's alerts projection holds it as any other alert: kind silence, cleared.
        let projected = "SELECT count(*)::int FROM alerts WHERE rule = 'silence:quiet-feed' AND kind = 'silence' AND status = 'cleared'"
        #expect(try await platform.waitForCount(PostgresQuery(unsafeSQL: projected), timeout: .seconds(60)) { $0 >= 1 } == 1)
        _ = try await platform.request("DELETE", "/tasks/quiet-feed")
    }

    @Test("tasks and registry entries are refused with problems a user can act on")
    func refusals() async throws {
        let platform = try await TestPlatform.shared()
        let unknownKind = try await platform.request("POST", "/tasks", json: ["kind": "teleport", "definition": [:] as [String: Any]])
        #expect(unknownKind.status == 400 && unknownKind.header("Content-Type") == "application/problem+json")
        let badFilter = try await platform.request("POST", "/tasks", json: ["kind": "mqtt-feed", "definition": ["topic_filter": "a/#/b"]])
        #expect(badFilter.status == 422 && (badFilter.json["detail"] as? String ?? "").contains("topic filter"))
        let badUnit = try await platform.request(
            "POST", "/datastreams",
            json: ["id": "x.y", "thing": "gauge-1", "observed_property": "y", "unit": "μg/m³", "labels": ["domain": "iot", "theme": "t"]])
        #expect(badUnit.status == 400 && (badUnit.json["detail"] as? String ?? "").contains("UCUM"))
        let noThing = try await platform.request(
            "POST", "/datastreams",
            json: ["id": "nobody.y", "thing": "nobody", "observed_property": "y", "unit": "m", "labels": ["domain": "iot", "theme": "t"]])
        #expect(noThing.status == 422)
        #expect(try await platform.request("GET", "/tasks/no-such-task").status == 404)
    }
}

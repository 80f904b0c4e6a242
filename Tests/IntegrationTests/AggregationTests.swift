import Events
import Foundation
import MQTT
import PostgresNIO
import ShikongTesting
import Testing

/// Windowed aggregation through the real services: readings over MQTT → spatialiser → aggregator →
/// `agg.readings` → the `aggregates` collection, compared with SQL over the stored readings.
@Suite("Windowed aggregation", .serialized)
struct AggregationTests {
    @Test("windows equal SQL over sensor_readings; a late reading corrects a window (as_of shows the old one); past the horizon it is a dead letter")
    func windowsCorrectionsAndDeadLetters() async throws {
        let platform = try await TestPlatform.shared()
        let run = UUID().uuidString.prefix(6).lowercased()
        let id = "agg-\(run)"
        // Harbin: an area no other test uses.
        let area = (west: 126.50, south: 45.70)
        try await LiveFixture.define(
            "/aggregations", id: id,
            body: """
                {"window": {"size": "10s"}, "group_by": ["sensor"], "values": ["pm25"], "bbox": [126.4, 45.6, 126.9, 45.9],
                 "allowed_lateness": "0s", "correction_horizon": "10m", "idle_timeout": "10s"}
                """, on: platform)
        let start = LiveFixture.aligned(secondsAgo: 3_600, to: 10)
        var random = SystemRandomNumberGenerator()
        var messages: [MQTTMessage] = []
        for second in 0..<60 {
            for sensor in 0..<5 {
                let value = (Double.random(in: 0..<150, using: &random) * 10).rounded() / 10
                messages.append(
                    LiveFixture.reading(
                        sensor: "\(id)-\(sensor)", at: start.addingTimeInterval(Double(second)), lon: area.west + Double(sensor) * 0.01,
                        lat: area.south,
                        values: ["pm25": value]))
            }
        }
        try await LiveFixture.publish(messages, to: platform, client: id)
        // Once they are stored (the aggregator reads the same spatialised events), one reading well
        // after: the watermark passes every window (the quiet partitions go idle after 10 s: on a
        // loaded machine one partition's share of the burst can come seconds after another's, and
        // with a shorter idle timeout it would be late, correcting windows before they are read). Sent
        // with the others, it could be read before them from its own partition, and theirs would be
        // late: a partition idle before a burst does not hold the watermark back.
        let deadline = ContinuousClock.now + .seconds(120)
        while try await platform.count("SELECT count(*)::int FROM sensor_readings WHERE sensor_id LIKE \(id + "-%")") < messages.count,
            ContinuousClock.now < deadline
        {
            try await Task.sleep(for: .milliseconds(200))
        }
        try await Task.sleep(for: .seconds(1))
        try await LiveFixture.publish(
            [LiveFixture.reading(sensor: "\(id)-0", at: start.addingTimeInterval(120), lon: area.west, lat: area.south, values: ["pm25": 1])],
            to: platform, client: id)

        let path = "/collections/aggregates/items?aggregation=\(id)&limit=1000"
        let page = try await platform.poll(path, timeout: .seconds(60)) { ($0["numberReturned"] as? Int ?? 0) >= 30 }
        let features = page["features"] as? [[String: Any]] ?? []
        #expect(features.count == 30, "6 windows × 5 sensors, got \(features.count)")

        // The same figures, independently, from the stored readings.
        let expected = try await platform.withDatabase { client in
            let rows = try await client.query(
                """
                SELECT sensor_id, floor(extract(epoch FROM observed_at) / 10)::bigint * 10, count(*)::int, sum(v), avg(v), min(v), max(v),
                    stddev_samp(v), percentile_cont(0.5) WITHIN GROUP (ORDER BY v), percentile_cont(0.95) WITHIN GROUP (ORDER BY v)
                FROM (SELECT sensor_id, observed_at, ("values"->>'pm25')::float8 AS v FROM sensor_readings
                      WHERE sensor_id LIKE \(id + "-%") AND observed_at < \(Timestamp.format(start.addingTimeInterval(60)))::timestamptz) AS r
                GROUP BY 1, 2
                """, logger: .init(label: "test"))
            var figures: [String: [Double]] = [:]
            for try await (sensor, windowStart, count, sum, avg, min, max, stddev, p50, p95) in rows.decode(
                (String, Int64, Int, Double, Double, Double, Double, Double, Double, Double).self)
            {
                figures["\(sensor)@\(windowStart)"] = [Double(count), sum, avg, min, max, stddev, p50, p95]
            }
            return figures
        }
        #expect(expected.count == 30)
        for feature in features {
            let properties = try #require(feature["properties"] as? [String: Any])
            let sensor = try #require(properties["sensor"] as? String)
            let windowStart = try #require((properties["window_start"] as? String).flatMap(Timestamp.parse))
            let key = "\(sensor)@\(Int64(windowStart.timeIntervalSince1970))"
            let figures = try #require(expected[key], "no SQL figures for \(key)")
            let names = ["count", "sum_pm25", "avg_pm25", "min_pm25", "max_pm25", "stddev_pm25", "p50_pm25", "p95_pm25"]
            for (name, value) in zip(names, figures) {
                let actual = try #require(properties[name] as? Double, "\(key) has no \(name)")
                #expect(abs(actual - value) <= 1e-9 * max(1, abs(value)), "\(key) \(name): \(actual) ≠ SQL \(value)")
            }
            #expect(properties["version"] as? Int == 1)
        }

        // A late reading within the horizon: the window is emitted again as version 2.
        let before = Date()
        try await Task.sleep(for: .milliseconds(50))
        let firstWindow = try #require(
            features.compactMap { $0["properties"] as? [String: Any] }.first {
                $0["sensor"] as? String == "\(id)-1" && ($0["window_start"] as? String).flatMap(Timestamp.parse) == start
            })
        let originalCount = try #require(firstWindow["count"] as? Double)
        // Version 1 may itself hold late events: a partition whose readings the aggregator reads after
        // another partition's newer ones is not yet holding the watermark back. The correction adds one.
        let originalLate = try #require(firstWindow["late_events"] as? Int)
        try await LiveFixture.publish(
            [
                LiveFixture.reading(
                    sensor: "\(id)-1", at: start.addingTimeInterval(5.5), lon: area.west + 0.01, lat: area.south, values: ["pm25": 500])
            ],
            to: platform, client: id)
        let featureID = "\(id):sensor=\(id)-1:\(Timestamp.format(start))"
        let encoded = featureID.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: ":;=")))!
        let corrected = try await platform.poll("/collections/aggregates/items/\(encoded)", timeout: .seconds(120)) {
            (($0["properties"] as? [String: Any])?["version"] as? Int) == 2
        }
        let now = try #require(corrected["properties"] as? [String: Any], "GET /collections/aggregates/items/\(encoded): \(corrected)")
        #expect(now["version"] as? Int == 2)
        #expect(now["count"] as? Double == originalCount + 1)
        #expect(now["late_events"] as? Int == originalLate + 1, "\(now)")
        #expect(now["max_pm25"] as? Double == 500)
        let asOf = try await platform.get("/collections/aggregates/items/\(encoded)?as_of=\(Timestamp.format(before))")
        let then = try #require(asOf.json["properties"] as? [String: Any])
        #expect(then["version"] as? Int == 1 && then["count"] as? Double == originalCount, "as_of shows the window before its correction")

        // A reading an hour before the windows: past the horizon, a dead letter with the reason.
        try await LiveFixture.publish(
            [LiveFixture.reading(sensor: "\(id)-2", at: start.addingTimeInterval(-3_600), lon: area.west, lat: area.south, values: ["pm25": 7])],
            to: platform, client: id)
        let letters = try await platform.poll("/dlq?stage=processors.aggregator/\(id)", timeout: .seconds(120)) {
            ($0["items"] as? [[String: Any]] ?? []).count >= 1
        }
        let letter = try #require((letters["items"] as? [[String: Any]])?.first, "\(letters)")
        #expect((letter["reason"] as? String)?.contains("correction horizon (10m) has passed") == true, "\(letter)")
    }

    @Test("one idle partition does not hold the windows of the others back")
    func idlePartition() async throws {
        let platform = try await TestPlatform.shared()
        let run = UUID().uuidString.prefix(6).lowercased()
        let id = "idle-\(run)"
        // Qiqihar.
        try await LiveFixture.define(
            "/aggregations", id: id,
            body:
                #"{"window": {"size": "10s"}, "bbox": [123.8, 47.2, 124.1, 47.5], "allowed_lateness": "0s", "idle_timeout": "2s", "statistics": ["count"]}"#,
            on: platform)
        let start = LiveFixture.aligned(secondsAgo: 7_200, to: 10)
        // Six sensors (spread over the partitions) for five seconds; then only one of them for forty more.
        var messages: [MQTTMessage] = []
        for second in 0..<5 {
            for sensor in 0..<6 {
                messages.append(
                    LiveFixture.reading(
                        sensor: "\(id)-\(sensor)", at: start.addingTimeInterval(Double(second)), lon: 123.9, lat: 47.3, values: ["v": 1]))
            }
        }
        for second in 5..<45 {
            messages.append(
                LiveFixture.reading(sensor: "\(id)-0", at: start.addingTimeInterval(Double(second)), lon: 123.9, lat: 47.3, values: ["v": 1]))
        }
        try await LiveFixture.publish(messages, to: platform, client: id)
        let page = try await platform.poll("/collections/aggregates/items?aggregation=\(id)&limit=100&sortby=window_start", timeout: .seconds(120)) {
            ($0["numberReturned"] as? Int ?? 0) >= 4
        }
        let windows = (page["features"] as? [[String: Any]] ?? []).compactMap { $0["properties"] as? [String: Any] }
        #expect(windows.map { $0["count"] as? Double } == [35, 10, 10, 10], "windows up to 40 s, though five sensors' partitions went quiet")
    }
}

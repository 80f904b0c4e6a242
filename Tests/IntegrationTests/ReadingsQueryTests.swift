import Events
import Foundation
import MQTT
import ShikongTesting
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The sensor collections through the same feature store: observation-time `datetime`, CQL2 on
/// reading values, hourly statistics and a CSV export whose values are columns.
@Suite("Readings queries", .serialized)
struct ReadingsQueryTests {
    @Test("datetime, a CQL2 filter on values, hourly statistics and a CSV export of one sensor's readings")
    func readings() async throws {
        let platform = try await TestPlatform.shared()
        let sensor = "hourly-\(UUID().uuidString.prefix(8).lowercased())"
        let hour = (Date().timeIntervalSince1970 / 3_600).rounded(.down) * 3_600
        let times = (0..<3).map { Date(timeIntervalSince1970: hour - Double(3 - $0) * 3_600 + 600) }
        let values = [10.0, 20.0, 30.0]
        let publisher = try MQTTPublisher(
            connection: MQTTConnection(host: platform.configuration.mqttHost, port: platform.configuration.mqttPort, clientID: "test-\(sensor)"))
        defer { publisher.close() }
        let messages = zip(times, values).map { time, value in
            MQTTMessage(
                topic: "city/\(sensor)/air", payload: Array(#"{"ts":"\#(Timestamp.format(time))","lon":114.3,"lat":30.6,"pm25":\#(value)}"#.utf8))
        }
        try await publisher.publishAll(messages)
        #expect(await publisher.acknowledged())
        _ = try await platform.poll("/collections/readings/items?sensor_id=\(sensor)") { ($0["numberReturned"] as? Int ?? 0) == 3 }

        let window = "\(Timestamp.format(times[0].addingTimeInterval(1_800)))/\(Timestamp.format(times[2].addingTimeInterval(60)))"
        let inWindow = try await platform.get("/collections/readings/items?sensor_id=\(sensor)&datetime=\(window)")
        #expect(inWindow.json["numberReturned"] as? Int == 2, "\(inWindow.json)")

        // pm25 becomes a queryable once the registry has seen it in sensors_latest.
        let filter = "sensor_id = '\(sensor)' AND pm25 > 15".addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        let filtered = try await platform.poll("/collections/readings/items?filter=\(filter)") { ($0["numberReturned"] as? Int ?? -1) >= 0 }
        #expect(filtered["numberReturned"] as? Int == 2, "\(filtered)")

        let statistics = try await platform.get("/collections/readings/stats?sensor_id=\(sensor)&time_bucket=1h&agg=count,avg(pm25)")
        let rows = statistics.json["rows"] as? [[String: Any]] ?? []
        #expect(rows.compactMap { $0["avg(pm25)"] as? Double } == values, "\(statistics.json)")
        #expect(rows.compactMap { ($0["time"] as? String).flatMap(Timestamp.parse) } == times.map { $0.addingTimeInterval(-600) })

        let (data, response) = try await URLSession.shared.data(
            from: URL(string: platform.baseURL + "/collections/readings/items?sensor_id=\(sensor)&f=csv")!)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        let lines = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline)
        #expect(lines.count == 4, "\(lines)")
        #expect(lines.first?.contains("pm25") == true, "\(lines.first ?? "")")

        let latest = try await platform.get("/collections/sensors/items/\(sensor)?properties=values")
        #expect(((latest.json["properties"] as? [String: Any])?["values"] as? [String: Double])?["pm25"] == 30)
    }

    @Test("daily statistics with tz=Asia/Shanghai (the default) and tz=UTC match buckets computed independently")
    func beijingDays() async throws {
        let platform = try await TestPlatform.shared()
        let sensor = "daily-\(UUID().uuidString.prefix(8).lowercased())"
        // Readings either side of 16:00 UTC (Beijing midnight) on three days, and at UTC midnight.
        let midnight = (Date().timeIntervalSince1970 / 86_400).rounded(.down) * 86_400 - 3 * 86_400
        let offsets: [Double] = [-3_600, 15 * 3_600 + 3_540, 16 * 3_600 + 60, 86_400 + 60, 86_400 + 15 * 3_600, 2 * 86_400 + 16 * 3_600 + 1]
        let times = offsets.map { Date(timeIntervalSince1970: midnight + $0) }
        let values = offsets.indices.map { Double($0 + 1) * 10 }
        let publisher = try MQTTPublisher(
            connection: MQTTConnection(host: platform.configuration.mqttHost, port: platform.configuration.mqttPort, clientID: "test-\(sensor)"))
        defer { publisher.close() }
        try await publisher.publishAll(
            zip(times, values).map { time, value in
                MQTTMessage(
                    topic: "city/\(sensor)/air", payload: Array(#"{"ts":"\#(Timestamp.format(time))","lon":114.3,"lat":30.6,"pm25":\#(value)}"#.utf8))
            })
        #expect(await publisher.acknowledged())
        _ = try await platform.poll("/collections/readings/items?sensor_id=\(sensor)") { ($0["numberReturned"] as? Int ?? 0) == times.count }

        for zone in ["Asia/Shanghai", "UTC"] {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: zone)!
            var expected: [Date: (count: Int, sum: Double)] = [:]
            for (time, value) in zip(times, values) {
                let day = calendar.startOfDay(for: time)
                expected[day, default: (0, 0)].count += 1
                expected[day, default: (0, 0)].sum += value
            }
            let query = zone == "UTC" ? "&tz=UTC" : ""
            let answer = try await platform.get("/collections/readings/stats?sensor_id=\(sensor)&time_bucket=1d&agg=count,sum(pm25)\(query)")
            #expect(answer.json["tz"] as? String == zone, "\(answer.json)")
            let rows = answer.json["rows"] as? [[String: Any]] ?? []
            let got = rows.map { row in
                ((row["time"] as? String).flatMap(Timestamp.parse) ?? .distantPast, row["count"] as? Int ?? -1, row["sum(pm25)"] as? Double ?? -1)
            }
            let want = expected.keys.sorted().map { ($0, expected[$0]!.count, expected[$0]!.sum) }
            #expect(got.map(\.0) == want.map(\.0), "\(zone): \(rows)")
            #expect(got.map(\.1) == want.map(\.1), "\(zone): \(rows)")
            #expect(got.map(\.2) == want.map(\.2), "\(zone): \(rows)")
            let local = rows.compactMap { $0["local_time"] as? String }
            #expect(local.count == rows.count && local.allSatisfy { $0.hasSuffix(zone == "UTC" ? "T00:00:00Z" : "T00:00:00+08:00") }, "\(local)")
        }
        let bad = try await platform.get("/collections/readings/stats?sensor_id=\(sensor)&time_bucket=1d&tz=Mars/Olympus")
        #expect(bad.status == 400 && (bad.json["detail"] as? String ?? "").contains("tz"), "\(bad.json)")
    }
}

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
        #expect(publisher.waitUntilAcknowledged())
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
}

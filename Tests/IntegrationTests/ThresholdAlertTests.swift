import Events
import Foundation
import MQTT
import Platform
import ShikongTesting
import Testing

/// A CQL2 threshold rule over readings, through the real services.
@Suite("Threshold alerts", .serialized)
struct ThresholdAlertTests {
    @Test("a threshold rule raises once and clears once through a noisy series")
    func hysteresis() async throws {
        let platform = try await TestPlatform.shared()
        let run = UUID().uuidString.prefix(6).lowercased()
        let sensor = "thr-\(run)"
        try await LiveFixture.define(
            "/alert-rules", id: "pm-\(run)",
            body: """
                {"kind": "threshold", "source": "readings", "subjects": {"ids": ["sensor:\(sensor)"]}, "condition": "pm25 > 75", "for": 3,
                 "clear": "pm25 <= 60", "clear_for": 2}
                """, on: platform)
        let series: [Double] = [50, 80, 90, 70, 80, 85, 90, 74, 66, 80, 61, 59, 62, 58, 55, 80, 70]
        let start = Date().addingTimeInterval(-300)
        try await LiveFixture.publish(
            series.enumerated().map { index, value in
                LiveFixture.reading(sensor: sensor, at: start.addingTimeInterval(Double(index)), lon: 87.6, lat: 43.8, values: ["pm25": value])
            }, to: platform, client: sensor)
        let alerts = try await platform.poll("/collections/alerts/items?rule=pm-\(run)", timeout: .seconds(30)) { page in
            (page["features"] as? [[String: Any]] ?? []).contains { (($0["properties"] as? [String: Any])?["status"] as? String) == "cleared" }
        }
        try await Task.sleep(for: .seconds(2))
        let features = try await LiveFixture.alerts(rule: "pm-\(run)", on: platform)
        #expect(features.count == 1, "raised once: \(alerts)")
        let alert = try #require(features.first)
        #expect(alert["status"] as? String == "cleared")
        #expect((alert["raised_at"] as? String).flatMap(Timestamp.parse) == start.addingTimeInterval(6).rounded)
        #expect((alert["cleared_at"] as? String).flatMap(Timestamp.parse) == start.addingTimeInterval(14).rounded)
    }
}

extension Date {
    /// To the millisecond, as timestamps travel.
    fileprivate var rounded: Date { Timestamp.parse(Timestamp.format(self))! }
}

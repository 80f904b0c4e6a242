import Events
import Foundation
import JSON
import SpatialIndex
import Testing

@testable import Processors

/// The alerting engine without Kafka: geofence transitions and threshold hysteresis.
@Suite("Alert engine")
struct AlertEngineTests {
    /// Two squares side by side: A = [0,1]×[0,1], B = [1,2]×[0,1].
    static func fences() -> PolygonSet<String> {
        var set = PolygonSet<String>()
        for (name, west) in [("a", 0.0), ("b", 1.0)] {
            set.set("zones/\(name)", PreparedPolygon([[[(west, 0), (west + 1, 0), (west + 1, 1), (west, 1), (west, 0)]]])!)
        }
        return set
    }

    static func position(_ index: Int, x: Double, y: Double = 0.5, subject: String = "sensor:veh-1") -> SpatialEventFields {
        SpatialEventFields(
            id: "p\(index)", type: "sensor.reading", subject: subject, time: Int64(index) * 60_000, longitude: x, latitude: y, sensorID: nil,
            theme: nil,
            values: [("speed", 30)])
    }

    static func engine(_ rules: [AlertRule], compile: AlertConditionCompiler? = nil) -> AlertEngine {
        var engine = AlertEngine(compile: compile)
        engine.setFences(fences(), names: ["zones/a": "Zone A"])
        engine.define(Dictionary(uniqueKeysWithValues: rules.map { ($0.id, ($0, UUID())) }))
        return engine
    }

    @Test("a subject crossing from A to B raises one exit (A) and one enter (B); its first position raises nothing")
    func crossing() {
        var engine = Self.engine([
            AlertRule(id: "in", kind: .enter, subjects: .init(prefix: "sensor:veh-"), fences: .init(collection: "zones")),
            AlertRule(id: "out", kind: .exit, fences: .init(collection: "zones")),
        ])
        var alerts: [AlertEvent] = []
        for (index, x) in [0.2, 0.5, 0.9, 1.1, 1.5, 1.8].enumerated() { alerts += engine.process(reading: Self.position(index, x: x)) }
        #expect(
            alerts.map { "\($0.data.rule) \($0.data.fence ?? "")" }
                == ["in zones/b", "out zones/a"].sorted { $0.hasPrefix("in") && !$1.hasPrefix("in") })
        #expect(alerts.allSatisfy { $0.type == AlertEvent.raised && $0.data.subject == "sensor:veh-1" })
        #expect(alerts.first { $0.data.rule == "out" }?.data.message.contains("Zone A") == true)
        // The same input on the same state gives the same ids.
        var again = Self.engine([
            AlertRule(id: "in", kind: .enter, subjects: .init(prefix: "sensor:veh-"), fences: .init(collection: "zones")),
            AlertRule(id: "out", kind: .exit, fences: .init(collection: "zones")),
        ])
        var repeated: [AlertEvent] = []
        for (index, x) in [0.2, 0.5, 0.9, 1.1, 1.5, 1.8].enumerated() { repeated += again.process(reading: Self.position(index, x: x)) }
        #expect(repeated.map(\.id) == alerts.map(\.id))
    }

    @Test("inside is raised when first seen inside and cleared on leaving; dwell waits for its time")
    func insideAndDwell() {
        var engine = Self.engine([
            AlertRule(id: "inside", kind: .inside, fences: .init(ids: ["zones/a"])),
            AlertRule(id: "dwell", kind: .dwell, fences: .init(collection: "zones"), dwell: .minutes(2)),
        ])
        var events: [(Int, AlertEvent)] = []
        for (index, x) in [0.5, 0.6, 0.7, 0.8, 1.5].enumerated() {
            for alert in engine.process(reading: Self.position(index, x: x)) { events.append((index, alert)) }
        }
        let described = events.map { "\($0.0) \($0.1.data.rule) \($0.1.type)" }
        #expect(described == ["0 inside alert.raised", "2 dwell alert.raised", "4 dwell alert.cleared", "4 inside alert.cleared"])
        let raisedInside = events.first { $0.1.data.rule == "inside" && $0.1.type == AlertEvent.raised }!.1
        let clearedInside = events.first { $0.1.data.rule == "inside" && $0.1.type == AlertEvent.cleared }!.1
        #expect(clearedInside.data.alertID == raisedInside.id)
    }

    /// `pm25 > 75` and `pm25 <= 60`, without a CQL2 parser.
    struct Threshold: AlertCondition {
        var above: Double?
        var atMost: Double?
        func matches(_ input: ConditionInput) -> Bool {
            guard let value = input.properties["pm25"]?.number ?? input.properties["avg_pm25"]?.number else { return false }
            if let above { return value > above }
            if let atMost { return value <= atMost }
            return false
        }
    }

    static let compile: AlertConditionCompiler = { text, _ in
        text.contains(">") ? Threshold(above: 75) : Threshold(atMost: 60)
    }

    @Test("a threshold rule raises once and clears once through a noisy series (hysteresis)")
    func thresholdHysteresis() {
        var engine = Self.engine(
            [AlertRule(id: "pm", kind: .threshold, source: .readings, condition: "pm25 > 75", for: 3, clear: "pm25 <= 60", clearFor: 2)],
            compile: Self.compile)
        let series: [Double] = [50, 80, 90, 70, 80, 85, 90, 74, 66, 80, 61, 59, 62, 58, 55, 80, 70]
        var alerts: [String] = []
        for (index, value) in series.enumerated() {
            let event = SpatialEventFields(
                id: "r\(index)", type: "sensor.reading", subject: "sensor:s1", time: Int64(index) * 1_000, longitude: 0.5, latitude: 0.5,
                sensorID: "s1", theme: nil, values: [("pm25", value)])
            alerts += engine.process(reading: event).map { "\(index) \($0.type)" }
        }
        // Raised at the third value above 75 in a row (index 6); cleared at the second at or below 60 in a row (index 14).
        #expect(alerts == ["6 alert.raised", "14 alert.cleared"])
    }

    @Test("threshold over windows: consecutive windows, and a correction counts as its window")
    func thresholdWindows() {
        var engine = Self.engine(
            [AlertRule(id: "agg", kind: .threshold, source: .aggregates, condition: "avg_pm25 > 75", for: 3)], compile: Self.compile)
        func window(_ minute: Int, _ average: Double, version: Int = 1) -> AggregateWindowEvent {
            let start = Date(timeIntervalSince1970: 1_795_000_000 + Double(minute * 60))
            let data = AggregateWindow(
                aggregation: "a", revision: UUID(), key: ["region": "420106"], windowStart: start, windowEnd: start.addingTimeInterval(60),
                version: version, count: 10, lateEvents: 0, values: ["pm25": ["avg": average]])
            return AggregateWindowEvent(data: data, geometry: nil, attributes: AttributeLabels(domain: "iot", theme: "air"), recordedAt: Date())
        }
        #expect(engine.process(window: window(0, 80)).isEmpty)
        #expect(engine.process(window: window(1, 70)).isEmpty)
        #expect(engine.process(window: window(2, 80)).isEmpty)
        // The correction of minute 1 completes three consecutive windows above 75.
        let raised = engine.process(window: window(1, 78, version: 2))
        #expect(raised.map(\.type) == [AlertEvent.raised])
        #expect(engine.process(window: window(3, 90)).isEmpty, "raised once")
        #expect(engine.process(window: window(4, 50)).map(\.type) == [AlertEvent.cleared])
    }
}

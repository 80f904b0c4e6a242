import Events
import Foundation
import Kafka
import MQTT
import Platform
import PostgresNIO
import ShikongTesting
import Testing

/// The alerting processor killed with SIGKILL while vehicles cross fences: every crossing is one
/// alert, none lost, none twice.
@Suite("Alerts through crashes", .serialized)
struct AlertCrashTests {
    static let vehicles = 30
    static let positions = 40

    /// Where a vehicle is at a step: in square a until step 10, b until 25, a until 35, then b.
    static func longitude(step: Int, vehicle: Int) -> Double {
        let inB = (10..<25).contains(step) || step >= 35
        return (inB ? 103.77 : 103.72) + Double(vehicle) * 0.0001
    }

    @Test("SIGKILL of the processing stage at random points neither loses nor duplicates an alert")
    func killedProcessor() async throws {
        let platform = try await TestPlatform.start(stages: [.ingest, .project, .serve])
        defer { Task { await platform.discard() } }
        let processor = StageProcess(.process, platform: platform)
        try processor.start()
        defer { processor.stop() }
        let run = UUID().uuidString.prefix(6).lowercased()
        let collection = "zones_\(run)"
        try await LiveFixture.importSquares(AlertTests.squares(run), collection: collection, on: platform)
        try await LiveFixture.define(
            "/alert-rules", id: "enter", body: #"{"kind": "enter", "fences": {"collection": "\#(collection)"}}"#, on: platform)
        try await LiveFixture.define(
            "/alert-rules", id: "exit", body: #"{"kind": "exit", "fences": {"collection": "\#(collection)"}}"#, on: platform)
        try await Task.sleep(for: .seconds(3))

        let start = Date().addingTimeInterval(-600)
        let publisher = try MQTTPublisher(
            connection: MQTTConnection(host: platform.configuration.mqttHost, port: platform.configuration.mqttPort, clientID: "crash-\(run)"))
        defer { publisher.close() }
        async let kills: Void = {
            var generator = SystemRandomNumberGenerator()
            for round in 0..<3 {
                try await Task.sleep(for: .milliseconds(Int.random(in: 2_000...4_000, using: &generator)))
                processor.kill()
                try await Task.sleep(for: .milliseconds(Int.random(in: 200...800, using: &generator)))
                try processor.start()
                print("alert crash round \(round): restarted the process stage")
            }
        }()
        for step in 0..<Self.positions {
            let messages = (0..<Self.vehicles).map { vehicle in
                MQTTMessage(
                    topic: "city/veh-\(run)-\(vehicle)/air",
                    payload: Array(
                        #"{"ts":"\#(Timestamp.format(start.addingTimeInterval(Double(step))))","lon":\#(Self.longitude(step: step, vehicle: vehicle)),"lat":36.02,"values":{"speed_kmh":30}}"#
                            .utf8))
            }
            try await publisher.publishAll(messages)
            try await Task.sleep(for: .milliseconds(300))
        }
        #expect(await publisher.acknowledged())
        try await kills
        if !processor.isRunning { try processor.start() }

        // Each vehicle crosses three times: three exits and three enters.
        let expected = Self.vehicles * 3
        let query: PostgresQuery = "SELECT count(*)::int FROM alerts WHERE subject LIKE \("sensor:veh-" + run + "-%")"
        let projected = try await platform.waitForCount(query, timeout: .seconds(120)) { $0 >= expected * 2 }
        try await Task.sleep(for: .seconds(3))
        #expect(projected == expected * 2, "alerts: \(projected), expected \(expected * 2)")
        #expect(try await platform.count(query) == expected * 2)
        for (rule, fences) in [("enter", ["b", "a", "b"]), ("exit", ["a", "b", "a"])] {
            let rows = try await platform.withDatabase { client in
                try await client.query(
                    "SELECT subject, fence FROM alerts WHERE rule = \(rule) AND subject LIKE \("sensor:veh-" + run + "-%") ORDER BY subject, raised_at",
                    logger: .init(label: "test")
                ).collect().map { try $0.decode((String, String).self) }
            }
            let bySubject = Dictionary(grouping: rows, by: \.0).mapValues { $0.map { String($0.1.suffix(1)) } }
            #expect(bySubject.count == Self.vehicles)
            for (subject, seen) in bySubject { #expect(seen == fences, "\(rule) of \(subject): \(seen)") }
        }
        // The topic may hold repeats of an event (same id); never an alert with another id.
        let distinct = try await platform.count(
            "SELECT count(DISTINCT event_id)::int FROM event_archive WHERE topic = 'alerts' AND subject LIKE \("alert:%/sensor:veh-" + run + "-%")")
        #expect(distinct == expected * 2)
    }
}

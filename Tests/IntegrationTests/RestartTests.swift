import Events
import Foundation
import MQTT
import ShikongTesting
import Testing

@Suite("Restart")
struct RestartTests {
    @Test("a second start on the same data directory keeps everything stored, without duplicates")
    func resumeOnSameDataDirectory() async throws {
        let first = try await TestPlatform.start()
        let directory = first.dataDirectory
        let ports = first.ports
        try await publish(first, sensors: "rs-a", count: 200)
        let before = try await first.poll(path, until: { ($0["numberReturned"] as? Int ?? 0) >= 200 })
        #expect(before["numberReturned"] as? Int == 200)
        await first.stop()

        let second = try await TestPlatform.start(dataDirectory: directory, ports: ports)
        let kept = try await second.get(path).json
        #expect(kept["numberReturned"] as? Int == 200, "readings stored before the restart are still there")
        try await publish(second, sensors: "rs-b", count: 200)
        let after = try await second.poll(path, until: { ($0["numberReturned"] as? Int ?? 0) >= 400 })
        // Give any duplicate a chance to appear: the pipeline re-reads the new broker log from the start.
        try await Task.sleep(for: .seconds(2))
        let settled = try await second.get(path).json
        #expect(after["numberReturned"] as? Int == 400)
        #expect(settled["numberReturned"] as? Int == 400)
        let ids = (settled["features"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        #expect(Set(ids).count == 400)
        await second.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    private let path = "/collections/readings/items?limit=1000&bbox=87.0,43.0,88.0,44.5"  // Ürümqi

    private func publish(_ platform: TestPlatform, sensors prefix: String, count: Int) async throws {
        let publisher = try MQTTPublisher(
            connection: MQTTConnection(host: platform.configuration.mqttHost, port: platform.configuration.mqttPort, clientID: "test-\(prefix)"))
        defer { publisher.close() }
        let start = Date()
        try await publisher.publishAll(
            (0..<count).map { index in
                let payload = #"{"ts":"\#(Timestamp.format(start.addingTimeInterval(Double(index) * 0.01)))","lon":87.6,"lat":43.8,"pm25":\#(index)}"#
                return MQTTMessage(topic: "city/\(prefix)-\(index % 20)/air", payload: Array(payload.utf8))
            })
        #expect(await publisher.acknowledged())
    }
}

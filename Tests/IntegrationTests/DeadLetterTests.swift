import Events
import Foundation
import Kafka
import MQTT
import ShikongTesting
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Every kind of bad input ends in the dead-letter queue with its bytes and a reason, shows on
/// `GET /dlq`, and can be re-driven with `POST /dlq/{id}/redrive`, as it was or corrected.
@Suite("Dead letters", .serialized)
struct DeadLetterTests {
    @Test("malformed readings, envelopes and events are listed with their reason and original bytes")
    func everyKind() async throws {
        let platform = try await TestPlatform.shared()
        let marker = String(UUID().uuidString.prefix(8)).lowercased()
        let ts = Timestamp.format(Date())
        let readings: [(payload: String, reason: String)] = [
            ("{not json", "not valid JSON"),
            ("[1,2]", "not a JSON object"),
            (#"{"lon":114.3,"lat":30.6,"pm25":1}"#, "missing field ts"),
            (#"{"ts":"\#(ts)","lon":"east","lat":30.6,"pm25":1}"#, "field lon is not a number"),
            (#"{"ts":"\#(ts)","lon":114.3,"lat":200,"pm25":1}"#, "latitude 200"),
            (#"{"ts":"\#(ts)","lon":2.35,"lat":48.85,"pm25":1}"#, "outside the service area"),
            (#"{"ts":"\#(ts)","lon":114.3,"lat":30.6,"crs":"EPSG:1","pm25":1}"#, "unknown CRS"),
            (#"{"ts":"\#(ts)","lon":114.3,"lat":30.6,"values":{"pm25":1},"note":"n"}"#, "does not match schema"),
        ]
        let publisher = try MQTTPublisher(
            connection: MQTTConnection(host: platform.configuration.mqttHost, port: platform.configuration.mqttPort, clientID: "dlq-\(marker)"))
        defer { publisher.close() }
        try await publisher.publishAll(
            readings.enumerated().map { MQTTMessage(topic: "city/bad-\(marker)-\($0.offset)/air", payload: Array($0.element.payload.utf8)) })
        #expect(await publisher.acknowledged())

        // Records that reach the topics without going through the bridge: no envelope, and a
        // spatialised event the sensor projection cannot read.
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(client: platform.configuration.kafkaClient))
        defer { producer.close() }
        try await producer.send(OutgoingRecord(topic: Topics.rawSensorReadings, key: Data("sensor:naked-\(marker)".utf8), value: Data("{}".utf8)))
        var broken = EventMetadata(
            id: EventIDGenerator.shared.next(), type: "sensor.reading", subject: "sensor:broken-\(marker)", source: "test", occurredAt: Date(),
            recordedAt: Date(), schema: "shikong/sensor.reading/1")
        broken.extensions["crs"] = "EPSG:4490"
        try await producer.send(broken.record(topic: Topics.spatialEvents, value: Data(#"{"id":"not an event"}"#.utf8)))

        let expected = readings.count + 2
        // Every stage that cannot read an event says so: the live layer's aggregator may list the
        // broken spatialised event too, when an aggregation of sensor readings is defined.
        let stages: Set<String> = ["processors.spatialiser", "projections.sensors"]
        func ours(_ answer: [String: Any]) -> [[String: Any]] {
            (answer["items"] as? [[String: Any]] ?? []).filter { Self.mentions($0, marker) && stages.contains($0["stage"] as? String ?? "") }
        }
        let listed = try await platform.poll("/dlq?limit=1000") { ours($0).count >= expected }
        let items = ours(listed)
        #expect(items.count == expected)
        for (index, reading) in readings.enumerated() {
            let item = try #require(items.first { ($0["headers"] as? [String: String])?["ce_subject"] == "sensor:bad-\(marker)-\(index)" })
            #expect((item["reason"] as? String)?.contains(reading.reason) == true, "\(item["reason"] ?? "") should mention \(reading.reason)")
            #expect(item["stage"] as? String == "processors.spatialiser")
            #expect((item["original"] as? [String: Any])?["text"] as? String == reading.payload)
            #expect(item["status"] as? String == "open")
        }
        let naked = try #require(items.first { ($0["key"] as? [String: Any])?["text"] as? String == "sensor:naked-\(marker)" })
        #expect((naked["reason"] as? String)?.hasPrefix("envelope") == true)
        let unreadable = try #require(items.first { ($0["headers"] as? [String: String])?["ce_subject"] == "sensor:broken-\(marker)" })
        #expect(unreadable["stage"] as? String == "projections.sensors")
        #expect(unreadable["topic"] as? String == Topics.spatialEvents)

        let stageFiltered = try await platform.get("/dlq?stage=projections.sensors&limit=1000").json
        #expect((stageFiltered["items"] as? [[String: Any]] ?? []).allSatisfy { $0["stage"] as? String == "projections.sensors" })
        #expect(try await platform.get("/dlq?status=lost").status == 400)
        #expect(try await platform.get("/dlq/\(UUID().uuidString)").status == 404)
    }

    @Test("a dead letter re-driven with a corrected value becomes a reading; re-driven as it was, it fails again")
    func redrive() async throws {
        let platform = try await TestPlatform.shared()
        let marker = String(UUID().uuidString.prefix(8)).lowercased()
        let ts = Timestamp.format(Date())
        let publisher = try MQTTPublisher(
            connection: MQTTConnection(host: platform.configuration.mqttHost, port: platform.configuration.mqttPort, clientID: "redrive-\(marker)"))
        defer { publisher.close() }
        let bad = #"{"ts":"\#(ts)","lon":114.3,"lat":300,"pm25":7}"#
        try await publisher.publishAll([MQTTMessage(topic: "city/fix-\(marker)/air", payload: Array(bad.utf8))])
        #expect(await publisher.acknowledged())
        let listed = try await platform.poll("/dlq?limit=1000") { answer in
            (answer["items"] as? [[String: Any]] ?? []).contains { Self.mentions($0, marker) }
        }
        let letter = try #require((listed["items"] as? [[String: Any]] ?? []).first { Self.mentions($0, marker) })
        let id = try #require(letter["id"] as? String)

        let corrected = #"{"ts":"\#(ts)","lon":114.3,"lat":30.3,"pm25":7}"#
        let (status, answer) = try await post("/dlq/\(id)/redrive", body: ["value": corrected], platform: platform)
        #expect(status == 202)
        #expect(answer["corrected"] as? Bool == true)
        let reading = try await platform.poll("/collections/readings/items?sensor_id=fix-\(marker)") { ($0["numberReturned"] as? Int ?? 0) == 1 }
        let feature = try #require((reading["features"] as? [[String: Any]])?.first)
        #expect(feature["id"] as? String == answer["redriven_as"] as? String)
        let shown = try await platform.poll("/dlq/\(id)") { $0["status"] as? String == "redriven" }
        #expect(shown["status"] as? String == "redriven")
        #expect(shown["redrive_count"] as? Int == 1)

        let (again, _) = try await post("/dlq/\(id)/redrive", body: nil, platform: platform)
        #expect(again == 202)
        let counted = try await platform.poll("/dlq/\(id)") { $0["redrive_count"] as? Int == 2 }
        #expect(counted["redrive_count"] as? Int == 2)
        // The original bytes fail the same way; the same failure is the same dead letter.
        try await Task.sleep(for: .seconds(2))
        let letters = try await platform.get("/dlq?limit=1000").json["items"] as? [[String: Any]] ?? []
        #expect(letters.filter { Self.mentions($0, marker) }.count == 1)

        let (refused, problem) = try await post("/dlq/\(id)/redrive", raw: Data("not json".utf8), platform: platform)
        #expect(refused == 400)
        #expect((problem["detail"] as? String)?.contains("JSON object") == true)
    }

    static func mentions(_ item: [String: Any], _ marker: String) -> Bool {
        let subject = (item["headers"] as? [String: String])?["ce_subject"] ?? ""
        let key = (item["key"] as? [String: Any])?["text"] as? String ?? ""
        return subject.contains(marker) || key.contains(marker)
    }

    private func post(_ path: String, body: [String: String]?, platform: TestPlatform) async throws -> (Int, [String: Any]) {
        try await post(path, raw: try body.map { try JSONSerialization.data(withJSONObject: $0) }, platform: platform)
    }

    private func post(_ path: String, raw: Data?, platform: TestPlatform) async throws -> (Int, [String: Any]) {
        var request = URLRequest(url: URL(string: platform.baseURL + path)!)
        try await platform.authorize(&request)
        request.httpMethod = "POST"
        request.httpBody = raw
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:])
    }
}

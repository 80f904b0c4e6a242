import Events
import Foundation
import Geodesy
import Kafka
import MQTT
import ShikongTesting
import Testing

/// The first event path through the real services: MQTT → Kafka → spatialiser → PostGIS → HTTP.
/// Each test works in its own small area, so tests can share one platform and run in parallel.
@Suite("Sensor pipeline", .serialized)
struct SensorPipelineTests {
    @Test("1,000 readings over MQTT are queryable exactly once, at PROJ's EPSG:4326→4490 coordinates")
    func thousandReadingsExactlyOnce() async throws {
        let platform = try await TestPlatform.shared()
        let area = (west: 102.60, south: 24.90, east: 102.80, north: 25.10)  // Kunming
        let start = Date()
        var sent: [String: (lon: Double, lat: Double)] = [:]
        var messages: [MQTTMessage] = []
        for index in 0..<1_000 {
            let sensor = "km-\(index % 100)"
            let lon = area.west + 0.01 + Double(index % 100) * 0.0017 + 0.000_000_123 * Double(index)
            let lat = area.south + 0.01 + Double(index / 100) * 0.017
            let ts = Timestamp.format(start.addingTimeInterval(Double(index / 100)))
            sent["\(sensor)|\(ts)"] = (lon, lat)
            messages.append(
                MQTTMessage(
                    topic: "city/\(sensor)/air", payload: Array(#"{"ts":"\#(ts)","lon":\#(lon),"lat":\#(lat),"values":{"pm25":\#(index % 80)}}"#.utf8)
                ))
        }
        let publisher = try MQTTPublisher(
            connection: MQTTConnection(host: platform.configuration.mqttHost, port: platform.configuration.mqttPort, clientID: "test-thousand"))
        defer { publisher.close() }
        try await publisher.publishAll(messages)
        #expect(await publisher.acknowledged())

        let path = "/collections/readings/items?limit=5000&bbox=\(area.west),\(area.south),\(area.east),\(area.north)"
        let answer = try await platform.poll(path) { ($0["numberReturned"] as? Int ?? 0) >= 1_000 }
        let features = try #require(answer["features"] as? [[String: Any]])
        #expect(features.count == 1_000)

        let transformer = CoordinateTransformer()
        var seen = Set<String>()
        var eventIDs = Set<String>()
        for feature in features {
            let properties = try #require(feature["properties"] as? [String: Any])
            let sensor = try #require(properties["sensor_id"] as? String)
            let observed = try #require((properties["observed_at"] as? String).flatMap(Timestamp.parse))
            let key = "\(sensor)|\(Timestamp.format(observed))"
            #expect(seen.insert(key).inserted, "reading \(key) appears twice")
            eventIDs.insert(try #require(feature["id"] as? String))
            let input = try #require(sent[key], "unexpected reading \(key)")
            let coordinates = try #require((feature["geometry"] as? [String: Any])?["coordinates"] as? [Double])
            let expected = try transformer.transform(x: input.lon, y: input.lat, from: .wgs84, to: .cgcs2000)
            #expect(abs(coordinates[0] - expected.x) < 1e-9 && abs(coordinates[1] - expected.y) < 1e-9, "\(key): \(coordinates) ≠ \(expected)")
        }
        #expect(seen.count == 1_000)
        #expect(eventIDs.count == 1_000)

        let latest = try await platform.get("/collections/sensors/items/km-7")
        #expect(latest.status == 200)
        #expect((latest.json["properties"] as? [String: Any])?["sensor_id"] as? String == "km-7")
    }

    @Test("mosquitto_pub readings arrive too")
    func mosquittoPubInterop() async throws {
        let platform = try await TestPlatform.shared()
        let ts = Timestamp.format(Date())
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/mosquitto_pub")
        process.arguments = [
            "-h", platform.configuration.mqttHost, "-p", String(platform.configuration.mqttPort), "-q", "1", "-t", "city/cli-1/air",
            "-m", #"{"ts":"\#(ts)","lon":121.47,"lat":31.23,"pm25":12.5,"no2":30}"#,
        ]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let answer = try await platform.poll("/collections/readings/items?sensor_id=cli-1") { ($0["numberReturned"] as? Int ?? 0) >= 1 }
        let feature = try #require((answer["features"] as? [[String: Any]])?.first)
        let values = (feature["properties"] as? [String: Any])?["values"] as? [String: Double]
        #expect(values == ["pm25": 12.5, "no2": 30])
    }

    @Test("malformed payloads go to the DLQ with their bytes and reason, and the stream goes on")
    func malformedPayloadsAreDeadLettered() async throws {
        let platform = try await TestPlatform.shared()
        let ts = Timestamp.format(Date())
        let bad: [(payload: String, reason: String)] = [
            ("{not json", "not valid JSON"),
            (#"{"lon":114.3,"lat":30.6,"pm25":1}"#, "missing field ts"),
            (#"{"ts":"\#(ts)","lat":30.6,"pm25":1}"#, "missing field lon"),
            (#"{"ts":"\#(ts)","lon":114.3,"lat":200,"pm25":1}"#, "latitude 200"),
            (#"{"ts":"\#(ts)","lon":114.3,"lat":30.6}"#, "no measured values"),
            (#"{"ts":"yesterday","lon":114.3,"lat":30.6,"pm25":1}"#, "RFC 3339"),
        ]
        let marker = UUID().uuidString.prefix(8)
        let publisher = try MQTTPublisher(
            connection: MQTTConnection(host: platform.configuration.mqttHost, port: platform.configuration.mqttPort, clientID: "test-dlq"))
        defer { publisher.close() }
        try await publisher.publishAll(bad.map { MQTTMessage(topic: "city/bad-\(marker)/air", payload: Array($0.payload.utf8)) })
        let good = #"{"ts":"\#(ts)","lon":114.3,"lat":30.6,"pm25":9}"#
        try await publisher.publishAll([MQTTMessage(topic: "city/good-\(marker)/air", payload: Array(good.utf8))])
        #expect(await publisher.acknowledged())

        let answer = try await platform.poll("/collections/readings/items?sensor_id=good-\(marker)") { ($0["numberReturned"] as? Int ?? 0) == 1 }
        #expect(answer["numberReturned"] as? Int == 1, "a good reading after bad ones is still projected")

        let consumer = try KafkaConsumer(
            configuration: KafkaConsumerConfiguration(
                client: KafkaClientConfiguration(bootstrapServers: platform.configuration.kafkaBootstrap), groupID: "test-dlq-\(marker)"),
            topics: [Topics.deadLetters])
        defer { consumer.close() }
        var letters: [String: DeadLetter] = [:]
        let deadline = ContinuousClock.now + .seconds(60)
        while letters.count < bad.count, ContinuousClock.now < deadline {
            for message in try await consumer.poll(maxMessages: 500, timeout: .milliseconds(500)) where message.header("ce_type") == "dead.letter" {
                let letter = try EventJSON.decoder().decode(DeadLetter.self, from: message.value)
                if letter.headers["ce_subject"] == "sensor:bad-\(marker)" { letters[String(decoding: letter.original, as: UTF8.self)] = letter }
            }
        }
        for (payload, reason) in bad {
            let letter = try #require(letters[payload], "no dead letter for \(payload)")
            #expect(letter.reason.contains(reason), "reason \(letter.reason) should mention \(reason)")
            #expect(letter.stage == "processors.spatialiser")
            #expect(letter.topic == Topics.rawSensorReadings)
        }
    }

    @Test("the API answers bad requests with RFC 9457 problems")
    func problemResponses() async throws {
        let platform = try await TestPlatform.shared()
        for path in [
            "/collections/sensors/items?bbox=1,2,3", "/collections/sensors/items?limit=0", "/collections/nope/items",
            "/collections/sensors/items/none",
        ] {
            let (status, json) = try await platform.get(path)
            #expect((400...499).contains(status), "\(path) gave \(status)")
            #expect(json["status"] as? Int == status)
            #expect((json["detail"] as? String)?.isEmpty == false)
        }
    }
}

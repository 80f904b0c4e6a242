import AlertDelivery
import Events
import Foundation
import Kafka
import Testing

@testable import Processors

@Suite("Live formats")
struct DeliveryAndFormatTests {
    @Test("the webhook signature is HMAC-SHA256 of <timestamp>.<body>, as any HMAC library computes it")
    func signature() {
        let body = Array("what do ya want for nothing?".utf8)
        // Python: hmac.new(b"Jefe", b"1700000000.what do ya want for nothing?", hashlib.sha256).hexdigest()
        let expected = "sha256=1cdd0650c8be1cb0974b1788d458b1e781206cfef59b85faafc582d2e182c57e"
        #expect(WebhookSignature.sign(body: body, timestamp: 1_700_000_000, secret: "Jefe") == expected)
        #expect(WebhookSignature.verify(signature: expected, body: body, timestamp: 1_700_000_000, secret: "Jefe"))
        #expect(!WebhookSignature.verify(signature: expected, body: body, timestamp: 1_700_000_001, secret: "Jefe"))
        #expect(!WebhookSignature.verify(signature: expected, body: body, timestamp: 1_700_000_000, secret: "jefe"))
    }

    @Test("retries wait 1, 2, 4 … seconds, at most the maximum")
    func backoff() {
        let policy = RetryPolicy(attempts: 6, initialDelay: .seconds(1), maximumDelay: .seconds(5))
        #expect((1...6).map { policy.delay(before: $0) } == [.zero, .seconds(1), .seconds(2), .seconds(4), .seconds(5), .seconds(5)])
    }

    @Test("the event scanner reads what JSONDecoder reads from a spatialised reading")
    func scanner() throws {
        let metadata = EventMetadata(
            id: UUID(), type: "sensor.reading", subject: "sensor:wh-1", source: "test", occurredAt: Date(timeIntervalSince1970: 1_795_000_000.123),
            recordedAt: Date(), schema: "shikong/sensor.reading/1")
        let event = SpatialEvent(
            metadata: metadata,
            space: SpaceLabel(
                geometry: PointGeometry(longitude: 114.30512345678901, latitude: 30.593), sourceCRS: "EPSG:4326", sourceCoordinates: [1, 2]),
            attributes: AttributeLabels(domain: "iot", industry: "environment", theme: "air-quality"),
            data: SensorReading(sensorID: "wh-\"1\"", values: ["pm25": 42.5, "no2": -3e-2, "aqi": 101]), schema: "shikong/sensor.reading/1")
        let record = metadata.record(topic: "t", value: try EventJSON.encoder().encode(event))
        let message = KafkaMessage(
            topic: "t", partition: 0, offset: 0, key: record.key, value: record.value, headers: record.headers, timestampMilliseconds: nil)
        let fields = try SpatialEventFields(message)
        #expect(fields.longitude == 114.30512345678901 && fields.latitude == 30.593)
        #expect(fields.sensorID == "wh-\"1\"" && fields.theme == "air-quality" && fields.subject == "sensor:wh-1")
        #expect(Dictionary(uniqueKeysWithValues: fields.values.map { ($0.name, $0.value) }) == ["pm25": 42.5, "no2": -3e-2, "aqi": 101])
        #expect(fields.time == Timestamp.epochMilliseconds(metadata.occurredAt))
        let broken = KafkaMessage(
            topic: "t", partition: 0, offset: 0, key: nil, value: Data("{\"space\":{}}".utf8), headers: record.headers, timestampMilliseconds: nil)
        #expect(throws: EventDecodingError.self) { try SpatialEventFields(broken) }

        // The envelope is read from the JSON; the headers only stand in for fields it lacks.
        let withoutHeaders = try SpatialEventFields(
            KafkaMessage(topic: "t", partition: 0, offset: 0, key: nil, value: record.value, headers: [], timestampMilliseconds: nil))
        #expect(withoutHeaders.id == metadata.id.uuidString.lowercased() && withoutHeaders.type == "sensor.reading")
        #expect(withoutHeaders.subject == "sensor:wh-1" && withoutHeaders.time == fields.time)
        let bare = #"{"space":{"geometry":{"type":"Point","coordinates":[114.3,30.6,12.5]}},"data":{"values":{"pm25":1e1}}}"#
        let fromHeaders = try SpatialEventFields(
            KafkaMessage(topic: "t", partition: 0, offset: 0, key: nil, value: Data(bare.utf8), headers: record.headers, timestampMilliseconds: nil))
        #expect(fromHeaders.id == fields.id && fromHeaders.subject == "sensor:wh-1" && fromHeaders.time == fields.time)
        #expect(fromHeaders.longitude == 114.3 && fromHeaders.latitude == 30.6 && fromHeaders.value("pm25") == 10)
        func reason(_ value: String, headers: [KafkaHeader] = []) -> String {
            do {
                _ = try SpatialEventFields(
                    KafkaMessage(topic: "t", partition: 0, offset: 0, key: nil, value: Data(value.utf8), headers: headers, timestampMilliseconds: nil)
                )
                return ""
            } catch {
                return error.reason
            }
        }
        #expect(reason(bare).contains("ce_id, ce_type, ce_subject and ce_time are required"))
        let lateBad = #"{"id":"a","type":"t","subject":"s","occurred_at":"2026-13-01T00:00:00Z","space":{"geometry":{"coordinates":[1,2]}}}"#
        #expect(reason(lateBad) == "occurred_at 2026-13-01T00:00:00Z is not RFC 3339")
        let oneCoordinate = #"{"id":"a","type":"t","subject":"s","occurred_at":"2026-12-01T00:00:00Z","space":{"geometry":{"coordinates":[1]}}}"#
        #expect(reason(oneCoordinate).contains("space.geometry.coordinates"))
        let badSkipped =
            #"{"id":"a","type":"t","subject":"s","occurred_at":"2026-12-01T00:00:00Z","n":-.5,"space":{"geometry":{"coordinates":[1,2]}}}"#
        #expect(reason(badSkipped).contains("space.geometry.coordinates"), "a malformed number is refused even where it is skipped")
    }

    @Test("definitions refuse unknown fields and explain what is wrong")
    func definitions() throws {
        let good = #"{"window": {"size": "1m", "advance": "30s"}, "group_by": ["region"], "regions": "wuhan_districts", "values": ["pm25"]}"#
        let definition: AggregationDefinition = try DefinitionDecoding.decode(Data(good.utf8), id: "pm25")
        #expect(definition.id == "pm25" && definition.window.step == .seconds(30) && definition.correctionHorizon == .minutes(10))
        func reason(_ text: String) -> String {
            do {
                let _: AggregationDefinition = try DefinitionDecoding.decode(Data(text.utf8), id: "x")
                return ""
            } catch {
                return error.reason
            }
        }
        #expect(reason(#"{"window": {"size": "1m"}, "windw": 1}"#).contains("unknown field(s) windw"))
        #expect(reason(#"{"window": {"size": "1 minute"}}"#).contains("window.size"))
        #expect(reason(#"{"window": {"size": "1m", "advance": "40s"}}"#).contains("whole multiple"))
        #expect(reason(#"{"window": {"size": "1m"}, "group_by": ["region"]}"#).contains("needs regions"))
        let rule: AlertRule = try DefinitionDecoding.decode(
            Data(
                #"{"kind": "enter", "fences": {"collection": "wuhan_districts"}, "actions": [{"webhook": {"url": "http://127.0.0.1:9/h", "secret": "s"}}]}"#
                    .utf8),
            id: "r")
        #expect(rule.redacted.actions.first?.webhook?.secret == "********")
        #expect(TimeSpan(parsing: "90s")?.description == "90s" && TimeSpan(parsing: "1.5m")?.milliseconds == 90_000)
    }
}

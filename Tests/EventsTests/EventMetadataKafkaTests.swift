import Events
import Foundation
import Kafka
import Testing

@Suite("EventMetadata and Kafka headers")
struct EventMetadataKafkaTests {
    static func metadata() throws -> EventMetadata {
        EventMetadata(
            id: EventIDGenerator().next(at: Date(timeIntervalSince1970: 1_795_586_400)),
            type: "sensor.reading", subject: "sensor:wh-0001", source: "mqtt://127.0.0.1:11883/city/wh-0001/air",
            occurredAt: try #require(Timestamp.parse("2026-11-25T06:00:00.123Z")),
            recordedAt: try #require(Timestamp.parse("2026-11-25T06:00:01.456Z")),
            schema: "shikong/sensor.reading.raw/1", extensions: ["crs": "EPSG:4326", "feed": "wuhan-air"])
    }

    static func message(_ metadata: EventMetadata, without removed: String? = nil, replacing: [String: String] = [:])
        -> KafkaMessage
    {
        var record = metadata.record(topic: Topics.rawSensorReadings, value: Data("{}".utf8))
        record.headers.removeAll { $0.key == removed }
        for (index, header) in record.headers.enumerated() {
            if let value = replacing[header.key] { record.headers[index] = KafkaHeader(key: header.key, string: value) }
        }
        return KafkaMessage(consumed: record)
    }

    @Test("record carries the CloudEvents headers, keyed by subject")
    func recordHeaders() throws {
        let metadata = try Self.metadata()
        let value = Data(#"{"pm25":35.5}"#.utf8)
        let record = metadata.record(topic: Topics.rawSensorReadings, value: value)
        #expect(record.topic == "raw.sensor.readings")
        #expect(record.key == Data("sensor:wh-0001".utf8))
        #expect(record.value == value)
        #expect(record.timestampMilliseconds == 1_795_586_401_456)
        let message = KafkaMessage(consumed: record)
        #expect(message.header("ce_specversion") == "1.0")
        #expect(message.header("ce_id") == metadata.id.uuidString.lowercased())
        #expect(message.header("ce_type") == "sensor.reading")
        #expect(message.header("ce_time") == "2026-11-25T06:00:00.123Z")
        #expect(message.header("ce_recordedat") == "2026-11-25T06:00:01.456Z")
        #expect(message.header("ce_dataschema") == "shikong/sensor.reading.raw/1")
        #expect(message.header("content-type") == "application/json")
        #expect(message.header("ce_crs") == "EPSG:4326")
        #expect(message.header("ce_feed") == "wuhan-air")
    }

    @Test("headers decode back to the same metadata")
    func roundTrip() throws {
        let metadata = try Self.metadata()
        let decoded = try EventMetadata(kafkaMessage: Self.message(metadata))
        #expect(decoded == metadata)
        #expect(decoded.extensions == ["crs": "EPSG:4326", "feed": "wuhan-air"])
    }

    @Test("metadata without extensions round trips")
    func roundTripWithoutExtensions() throws {
        var metadata = try Self.metadata()
        metadata.extensions = [:]
        metadata.contentType = "application/octet-stream"
        #expect(try EventMetadata(kafkaMessage: Self.message(metadata)) == metadata)
    }

    @Test(
        "a missing envelope header is named",
        arguments: ["ce_id", "ce_type", "ce_subject", "ce_source", "ce_time", "ce_recordedat", "ce_dataschema"])
    func missingHeader(name: String) throws {
        let message = Self.message(try Self.metadata(), without: name)
        let error = try #require(throws: EventDecodingError.self) { try EventMetadata(kafkaMessage: message) }
        #expect(error.reason.contains(name))
        #expect(error.reason.contains("missing"))
    }

    @Test("an empty ce_id counts as missing")
    func emptyID() throws {
        let message = Self.message(try Self.metadata(), replacing: ["ce_id": ""])
        let error = try #require(throws: EventDecodingError.self) { try EventMetadata(kafkaMessage: message) }
        #expect(error.reason.contains("ce_id"))
    }

    @Test(
        "a malformed header is named",
        arguments: [
            ("ce_id", "not-a-uuid"), ("ce_time", "yesterday"), ("ce_time", "2026-11-25T06:00:00"),
            ("ce_recordedat", "2026-02-30T00:00:00Z"),
        ])
    func malformedHeader(name: String, value: String) throws {
        let message = Self.message(try Self.metadata(), replacing: [name: value])
        let error = try #require(throws: EventDecodingError.self) { try EventMetadata(kafkaMessage: message) }
        #expect(error.reason.contains(name))
    }

    @Test("a ce_time with an offset is read as the same instant")
    func offsetTime() throws {
        let metadata = try Self.metadata()
        let message = Self.message(metadata, replacing: ["ce_time": "2026-11-25T14:00:00.123+08:00"])
        #expect(try EventMetadata(kafkaMessage: message).occurredAt == metadata.occurredAt)
    }
}

import Events
import Foundation
import JSON
import Kafka
import Testing

@Suite("Sensing events: UCUM units, feed contexts, task and registry events")
struct SensingEventTests {
    @Test(
        "UCUM units sensor data uses are accepted",
        arguments: [
            "ug/m3", "mg/m3", "km/h", "/h", "Cel", "%", "m3/s", "{AQI}", "10*3/uL", "mm[Hg]", "m", "m/s2", "hPa", "[ppm]", "dB", "kW.h", "1", "/min",
            "umol/mol", "L/(min.m2)",
        ])
    func validUnits(unit: String) {
        #expect(UCUM.problem(unit) == nil, "\(unit)")
    }

    @Test("what is not UCUM is refused with a hint", arguments: ["μg/m³", "ug/m³", "kmh", "°C", "", "m//s", "km/", "(m", "{open"])
    func invalidUnits(unit: String) {
        #expect(UCUM.problem(unit) != nil, "\(unit)")
    }

    @Test("a feed context survives its header")
    func feedContextHeader() throws {
        let context = FeedContext(
            binding: .registry, labels: AttributeLabels(domain: "iot", industry: "water", theme: "hydrology"),
            mapping: ReadingMapping(pointers: ["time": "/t", "values": "/data", "lon": "/lon"]), units: ["level": "m"])
        let read = try FeedContext(headerValue: context.headerValue)
        #expect(read == context)
        #expect(!context.headerValue.contains("\"lon\""), "a pointer equal to the default is left out")
        #expect(throws: EventDecodingError.self) { try FeedContext(headerValue: #"{"binding":"maybe"}"#) }
    }

    @Test("JSON pointers resolve members, array items and escapes")
    func pointers() throws {
        let document = try JSONParser.parse(#"{"a":{"b/c":[1,{"~d":2}]}}"#)
        #expect(ReadingMapping.resolve("/a/b~1c/0", in: document) == .number(1))
        #expect(ReadingMapping.resolve("/a/b~1c/1/~0d", in: document) == .number(2))
        #expect(ReadingMapping.resolve("/a/x", in: document) == nil)
        #expect(ReadingMapping.resolve("/a/b~1c/9", in: document) == nil)
    }

    @Test("a task event round-trips through its record, editor as the source")
    func taskEvent() throws {
        let task = PlatformTask(
            id: "river", kind: .mqttFeed, name: "River", definition: .object([("topic_filter", .string("river/+/level"))]), owner: "ops",
            editor: "alice")
        // A whole second: the record carries times to the millisecond.
        let event = TaskEvent(type: TaskEvent.paused, task: task, at: Date(timeIntervalSince1970: 1_780_000_000))
        let record = try event.record()
        let message = KafkaMessage(
            topic: record.topic, partition: 0, offset: 0, key: record.key, value: record.value, headers: record.headers, timestampMilliseconds: 0)
        let read = try TaskEvent.decode(message)
        #expect(read == event)
        #expect(read.source == "user:alice" && read.subject == "task:river")
        #expect(PlatformTask.problem(withID: "bad id") != nil && PlatformTask.problem(withID: "ok-1.2") == nil)
    }

    @Test("a registry event carries the kind of thing its type says")
    func registryEvent() throws {
        let stream = Datastream(
            id: "s.pm25", thing: "s", name: "PM2.5", observedProperty: "pm25", unit: "ug/m3", minimum: 0, maximum: 1_000,
            labels: AttributeLabels(domain: "iot", theme: "air-quality"))
        let record = try RegistryEvent(datastream: stream, editor: "bob").record()
        let message = KafkaMessage(
            topic: record.topic, partition: 0, offset: 0, key: record.key, value: record.value, headers: record.headers, timestampMilliseconds: 0)
        let read = try RegistryEvent.decode(message)
        #expect(read.datastream == stream && read.editor == "bob" && !read.isDeletion)
        #expect(stream.rangeDescription == "[0, 1000] ug/m3")
    }

    @Test("a silence alert and its end share the alert id; the same silence gives the same event")
    func silenceAlert() throws {
        let lastSeen = Date(timeIntervalSince1970: 1_800_000_000)
        let raised = try SilenceAlert.record(task: "river", sensor: "g1", lastSeen: lastSeen, spokeAt: nil, expectedInterval: 60, intervals: 3)
        let again = try SilenceAlert.record(task: "river", sensor: "g1", lastSeen: lastSeen, spokeAt: nil, expectedInterval: 60, intervals: 3)
        let cleared = try SilenceAlert.record(
            task: "river", sensor: "g1", lastSeen: lastSeen, spokeAt: lastSeen.addingTimeInterval(500), expectedInterval: 60, intervals: 3)
        func header(_ record: OutgoingRecord, _ name: String) -> String? {
            record.headers.first { $0.key == name }.map { String(decoding: $0.value, as: UTF8.self) }
        }
        #expect(header(raised, "ce_id") == header(again, "ce_id"))
        #expect(header(raised, "ce_alert") == header(cleared, "ce_alert"))
        #expect(header(raised, "ce_type") == "alert.raised" && header(cleared, "ce_type") == "alert.cleared")
        let value = try JSONParser.parse(bytes: Array(raised.value))
        #expect(value["data"]?["kind"]?.string == "silence" && value["data"]?["subject"]?.string == "sensor:g1")
        #expect(raised.topic == "alerts" && raised.key == Data("alert:silence:river/sensor:g1".utf8))
        // The live layer reads it as any other alert.
        let read = try AlertEvent.decode(
            KafkaMessage(
                topic: raised.topic, partition: 0, offset: 0, key: raised.key, value: raised.value, headers: raised.headers, timestampMilliseconds: 0)
        )
        #expect(read.data.kind == "silence" && read.data.status == "raised" && read.type == AlertEvent.raised)
    }
}

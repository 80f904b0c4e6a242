import Events
import Foundation
import Kafka
import Processors
import Testing

/// Readings of feeds bound to the sensor registry: checked against their datastreams and labelled
/// from them; payloads read through a feed's mapping.
@Suite("ReadingSpatialiser: the sensor registry and feed mappings")
struct ReadingRegistryTests {
    static let air = AttributeLabels(domain: "iot", industry: "environment", theme: "air-quality")
    static let registry = SensorRegistry(events: [
        RegistryEvent(thing: Thing(id: "wh-0001", name: "Station 1"), editor: "test"),
        RegistryEvent(
            datastream: Datastream(
                id: "wh-0001.pm25", thing: "wh-0001", name: "PM2.5", observedProperty: "pm25", unit: "ug/m3", minimum: 0, maximum: 1_000, labels: air),
            editor: "test"),
        RegistryEvent(
            datastream: Datastream(
                id: "wh-0001.temp", thing: "wh-0001", name: "Temperature", observedProperty: "temp", unit: "Cel", minimum: -60, maximum: 70,
                labels: AttributeLabels(domain: "iot", industry: "weather", theme: "meteorology")),
            editor: "test"),
    ])
    let spatialiser = ReadingSpatialiser(registry: ReadingRegistryTests.registry)

    static func message(_ payload: String, feed: FeedContext) -> KafkaMessage {
        var metadata = Readings.metadata()
        metadata.extensions["feed"] = feed.headerValue
        metadata.extensions["task"] = "feed-1"
        return Readings.message(payload, metadata: metadata)
    }

    static let bound = FeedContext(binding: .registry, labels: FeedContext.defaultLabels, mapping: ReadingMapping(), units: [:])

    func reason(_ payload: String, feed: FeedContext = bound) -> (reason: String, stale: Bool)? {
        if case .failure(let failure) = spatialiser.spatialise(Self.message(payload, feed: feed)) { return (failure.reason, failure.mayBeStale) }
        return nil
    }

    @Test("a bound reading is labelled from its datastream")
    func labelled() throws {
        let result = spatialiser.spatialise(
            Self.message(#"{"ts":"2026-11-25T06:00:00Z","lon":114.3,"lat":30.6,"values":{"pm25":35}}"#, feed: Self.bound))
        let record = try result.get()
        let event = try EventJSON.decoder().decode(SpatialEvent<SensorReading>.self, from: record.value)
        #expect(event.attributes == Self.air)
        #expect(record.headers.contains { $0.key == "ce_task" && $0.value == Data("feed-1".utf8) })
    }

    @Test("an unknown datastream, another unit and an impossible value are refused, naming the datastream")
    func refused() throws {
        let unknown = try #require(reason(#"{"ts":"2026-11-25T06:00:00Z","lon":114.3,"lat":30.6,"values":{"no2":12}}"#))
        #expect(unknown.reason.contains("unknown datastream") && unknown.reason.contains("no2") && unknown.reason.contains("wh-0001"))
        #expect(unknown.stale, "the registry may not have caught up: the stage retries once after catching up")
        let unit = try #require(
            reason(#"{"ts":"2026-11-25T06:00:00Z","lon":114.3,"lat":30.6,"values":{"pm25":0.035},"units":{"pm25":"mg/m3"}}"#))
        #expect(unit.reason.contains("unit mismatch") && unit.reason.contains("wh-0001.pm25") && unit.reason.contains("ug/m3"))
        let declared = FeedContext(binding: .registry, labels: FeedContext.defaultLabels, mapping: ReadingMapping(), units: ["pm25": "mg/m3"])
        let feedUnit = try #require(reason(#"{"ts":"2026-11-25T06:00:00Z","lon":114.3,"lat":30.6,"values":{"pm25":0.035}}"#, feed: declared))
        #expect(feedUnit.reason.contains("wh-0001.pm25"))
        let range = try #require(reason(#"{"ts":"2026-11-25T06:00:00Z","lon":114.3,"lat":30.6,"values":{"pm25":5000}}"#))
        #expect(range.reason.contains("out of range") && range.reason.contains("wh-0001.pm25") && range.reason.contains("[0, 1000] ug/m3"))
        #expect(!range.stale)
        let mixed = try #require(reason(#"{"ts":"2026-11-25T06:00:00Z","lon":114.3,"lat":30.6,"values":{"pm25":10,"temp":20}}"#))
        #expect(mixed.reason.contains("different themes"))
    }

    @Test("an unbound feed's readings carry its labels and are not checked against the registry")
    func unbound() throws {
        let labels = AttributeLabels(domain: "iot", industry: "water", theme: "hydrology")
        let feed = FeedContext(binding: .none, labels: labels, mapping: ReadingMapping(), units: [:])
        let record = try spatialiser.spatialise(
            Self.message(#"{"ts":"2026-11-25T06:00:00Z","lon":114.3,"lat":30.6,"values":{"level":3.2}}"#, feed: feed)
        ).get()
        #expect(try EventJSON.decoder().decode(SpatialEvent<SensorReading>.self, from: record.value).attributes == labels)
    }

    @Test("a mapped payload is read where its feed says")
    func mapping() throws {
        let mapping = ReadingMapping(pointers: ["sensor_id": "/detector", "time": "/t", "lon": "/pos/0", "lat": "/pos/1", "values": "/m"])
        let feed = FeedContext(binding: .registry, labels: FeedContext.defaultLabels, mapping: mapping, units: [:])
        let payload = #"{"detector":"wh-0001","t":1795586401000,"pos":[114.3,30.6],"m":{"pm25":12.5}}"#
        let event = try EventJSON.decoder().decode(
            SpatialEvent<SensorReading>.self, from: try spatialiser.spatialise(Self.message(payload, feed: feed)).get().value)
        #expect(event.data == SensorReading(sensorID: "wh-0001", values: ["pm25": 12.5]))
        #expect(event.occurredAt == Date(timeIntervalSince1970: 1_795_586_401))
        let missing = try #require(reason(#"{"detector":"wh-0001","t":1795586401000,"m":{"pm25":1}}"#, feed: feed))
        #expect(missing.reason.contains("/pos/0"))
    }

    @Test("a deletion and a later change apply in order; an older event read again changes nothing")
    func registryOrder() {
        let stream = Datastream(id: "d", thing: "t", name: "d", observedProperty: "x", unit: "m", labels: Self.air)
        let added = RegistryEvent(datastream: stream, editor: "a", at: Date(timeIntervalSince1970: 1_800_000_000))
        let deleted = RegistryEvent(datastream: stream, deleted: true, editor: "a", at: Date(timeIntervalSince1970: 1_800_000_001))
        let registry = SensorRegistry(events: [added, deleted, added])
        #expect(registry.datastream(thing: "t", observedProperty: "x") == nil)
    }
}

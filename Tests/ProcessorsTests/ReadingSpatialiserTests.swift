import Events
import Foundation
import Geodesy
import Kafka
import Processors
import Testing

@Suite("ReadingSpatialiser: spatialised readings")
struct ReadingSpatialiserTests {
    let spatialiser = ReadingSpatialiser()
    let transformer = CoordinateTransformer()

    func spatialise(_ message: KafkaMessage) throws -> (OutgoingRecord, SpatialEvent<SensorReading>) {
        let record: OutgoingRecord
        switch spatialiser.spatialise(message) {
        case .success(let output): record = output
        case .failure(let failure): throw failure
        }
        return (record, try EventJSON.decoder().decode(SpatialEvent<SensorReading>.self, from: record.value))
    }

    @Test("a WGS 84 reading becomes a CGCS2000 event on spatial.events")
    func spatialises() throws {
        let metadata = Readings.metadata()
        let (record, event) = try spatialise(
            Readings.message(
                #"{"ts":"2026-11-25T06:00:00Z","lon":114.3,"lat":30.6,"values":{"pm25":35.5}}"#, metadata: metadata))
        #expect(record.topic == "spatial.events")
        #expect(record.key == Data("sensor:wh-0001".utf8))

        #expect(event.id == metadata.id)
        #expect(event.type == "sensor.reading")
        #expect(event.subject == "sensor:wh-0001")
        #expect(event.source == metadata.source)
        #expect(event.occurredAt == Timestamp.parse("2026-11-25T06:00:00Z"))
        #expect(event.recordedAt == Readings.recordedAt)
        #expect(event.schema == "shikong/sensor.reading/1")
        #expect(event.attributes == FeedContext.defaultLabels)

        let expected = try transformer.transform(x: 114.3, y: 30.6, from: .wgs84, to: .cgcs2000)
        #expect(event.space.geometry.type == "Point")
        #expect(abs(event.space.geometry.longitude - expected.x) < 1e-12)
        #expect(abs(event.space.geometry.latitude - expected.y) < 1e-12)
        #expect(event.space.crs == "EPSG:4490")
        #expect(event.space.sourceCRS == "EPSG:4326")
        #expect(event.space.sourceCoordinates == [114.3, 30.6])
        #expect(event.data == SensorReading(sensorID: "wh-0001", values: ["pm25": 35.5]))
    }

    @Test("the output headers describe the spatialised event")
    func outputHeaders() throws {
        let metadata = Readings.metadata()
        let payload = #"{"ts":"2026-11-25T14:00:00+08:00","lon":114.3,"lat":30.6,"values":{"pm25":35.5}}"#
        let (record, _) = try spatialise(Readings.message(payload, metadata: metadata))
        let consumed = KafkaMessage(
            topic: record.topic, partition: 0, offset: 0, key: record.key, value: record.value, headers: record.headers,
            timestampMilliseconds: record.timestampMilliseconds)
        let envelope = try EventMetadata(kafkaMessage: consumed)
        #expect(envelope.id == metadata.id)
        #expect(envelope.occurredAt == Timestamp.parse("2026-11-25T06:00:00Z"))
        #expect(envelope.recordedAt == metadata.recordedAt)
        #expect(envelope.schema == "shikong/sensor.reading/1")
        #expect(envelope.contentType == "application/json")
        #expect(envelope.extensions["crs"] == "EPSG:4490")
    }

    @Test("sensor_id in the payload overrides the subject")
    func sensorIDOverridesSubject() throws {
        let (record, event) = try spatialise(
            Readings.message(
                #"{"sensor_id":"wh-0042","ts":"2026-11-25T06:00:00Z","lon":114.3,"lat":30.6,"values":{"pm25":1}}"#))
        #expect(event.data.sensorID == "wh-0042")
        #expect(event.subject == "sensor:wh-0042")
        #expect(record.key == Data("sensor:wh-0042".utf8))
    }

    @Test("top-level numbers are the values when there is no values object")
    func topLevelValues() throws {
        let (_, event) = try spatialise(
            Readings.message(#"{"ts":"2026-11-25T06:00:00Z","lon":114.3,"lat":30.6,"pm25":35.5,"no2":12,"note":"ok"}"#))
        #expect(event.data.values == ["pm25": 35.5, "no2": 12])
    }

    @Test("ts may be epoch milliseconds")
    func epochMilliseconds() throws {
        let (_, event) = try spatialise(
            Readings.message(#"{"ts":1795586400123,"lon":114.3,"lat":30.6,"values":{"pm25":35.5}}"#))
        #expect(Timestamp.format(event.occurredAt) == "2026-11-25T06:00:00.123Z")
    }

    @Test("a payload crs of EPSG:4547 with Gauss-Kruger coordinates is converted")
    func gaussKruger() throws {
        // Wuhan (114.30E, 30.60N) in CGCS2000 / 3-degree Gauss-Kruger CM 114E, easting then northing.
        let payload = #"""
            {"crs":"EPSG:4547","ts":"2026-11-25T06:00:00Z","lon":528770.237256,"lat":3386666.250562,"values":{"pm25":35.5}}
            """#
        let (_, event) = try spatialise(Readings.message(payload))
        #expect(abs(event.space.geometry.longitude - 114.30) < 1e-8)
        #expect(abs(event.space.geometry.latitude - 30.60) < 1e-8)
        #expect(event.space.sourceCRS == "EPSG:4547")
        #expect(event.space.sourceCoordinates == [528_770.237_256, 3_386_666.250_562])
    }

    @Test("the feed's crs header is used when the payload has none")
    func crsFromHeader() throws {
        let (_, event) = try spatialise(
            Readings.message(
                #"{"ts":"2026-11-25T06:00:00Z","lon":528770.237256,"lat":3386666.250562,"values":{"pm25":35.5}}"#,
                metadata: Readings.metadata(crs: "urn:ogc:def:crs:EPSG::4547")))
        #expect(event.space.sourceCRS == "EPSG:4547")
        #expect(abs(event.space.geometry.longitude - 114.30) < 1e-8)
    }

    @Test("without any crs the reading is taken as WGS 84")
    func defaultCRS() throws {
        let (_, event) = try spatialise(
            Readings.message(
                #"{"ts":"2026-11-25T06:00:00Z","lon":114.3,"lat":30.6,"values":{"pm25":35.5}}"#,
                metadata: Readings.metadata(crs: nil)))
        #expect(event.space.sourceCRS == "EPSG:4326")
    }
}

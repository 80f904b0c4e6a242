import Events
import Foundation
import JSON
import Testing

/// The hand-written JSON of the two events every reading and every imported feature carry: the same
/// text `EventJSON.encoder()` writes, read back by both the Codable path and the fast one.
@Suite("Event JSON codecs")
struct EventJSONCodecTests {
    static let reading = SpatialEvent(
        metadata: EventMetadata(
            id: UUID(uuidString: "0195F2A0-1B2C-7D3E-8F40-123456789ABC")!, type: "sensor.reading", subject: "sensor:wh-\"0001\"",
            source: "mqtt://127.0.0.1:11883/city/wh-0001/air", occurredAt: Date(timeIntervalSince1970: 1_795_586_400.123),
            recordedAt: Date(timeIntervalSince1970: 1_795_586_400.456), schema: "shikong/sensor.reading/1"),
        space: SpaceLabel(geometry: PointGeometry(longitude: 114.305, latitude: 30.593), sourceCRS: "EPSG:4326", sourceCoordinates: [114.3, 30.59]),
        attributes: AttributeLabels(domain: "iot", industry: "environment", theme: "air-quality"),
        data: SensorReading(sensorID: "wh-\"0001\"", values: ["pm25": 42, "no2": 18.5, "o3": -0.25, "big": 1e20]), schema: "shikong/sensor.reading/1")

    @Test("a spatialised reading is written as the Codable encoder writes it")
    func readingMatchesEncoder() throws {
        let fast = SensorReadingEventJSON.encode(Self.reading)
        let codable = try EventJSON.encoder().encode(Self.reading)
        #expect(try JSONParser.parse(bytes: Array(fast)) == JSONParser.parse(bytes: Array(codable)))
        let decoded = try EventJSON.decoder().decode(SpatialEvent<SensorReading>.self, from: fast)
        #expect(decoded.id == Self.reading.id)
        #expect(decoded.data == Self.reading.data)
        #expect(decoded.space == Self.reading.space)
        #expect(Timestamp.format(decoded.occurredAt) == Timestamp.format(Self.reading.occurredAt))
    }

    @Test("a spatialised reading is read in one parse, from either writer")
    func readingDecodes() throws {
        for bytes in [SensorReadingEventJSON.encode(Self.reading), try EventJSON.encoder().encode(Self.reading)] {
            let decoded = try SensorReadingEventJSON.decode(bytes)
            #expect(decoded.id == Self.reading.id)
            #expect(decoded.sensorID == "wh-\"0001\"")
            #expect(Timestamp.format(decoded.occurredAt) == "2026-11-25T06:00:00.123Z")
            #expect(decoded.longitude == 114.305 && decoded.latitude == 30.593)
            #expect(try JSONParser.parse(decoded.valuesJSON) == JSONParser.parse(#"{"big":1e20,"no2":18.5,"o3":-0.25,"pm25":42}"#))
        }
    }

    @Test("a reading that is not a spatialised one is refused with a reason")
    func readingRefused() {
        for (text, phrase) in [
            ("[1]", "not a spatialised"), (#"{"id":"x"}"#, "id is not a UUID"),
            (
                String(decoding: SensorReadingEventJSON.encode(Self.reading), as: UTF8.self).replacingOccurrences(of: "EPSG:4490", with: "EPSG:4326"),
                "EPSG:4490"
            ),
        ] {
            #expect(throws: EventDecodingError.self) { try SensorReadingEventJSON.decode(Data(text.utf8)) }
            do {
                _ = try SensorReadingEventJSON.decode(Data(text.utf8))
            } catch {
                #expect(error.reason.contains(phrase), "\(error.reason)")
            }
        }
    }

    static let entity = EntityEvent(
        id: UUID(uuidString: "0195F2A0-1B2C-7D3E-8F40-000000000001")!, type: EntityEvent.upserted, source: "import://job/places.gpkg#7",
        recordedAt: Date(timeIntervalSince1970: 1_795_586_400.5),
        space: EntitySpace(
            geometry: .object([("type", .string("Point")), ("coordinates", .array([.number(114.3), .number(30.6)]))]), sourceCRS: "EPSG:4547",
            adminCode: "420106", precision: "source"),
        attributes: AttributeLabels(domain: "city", theme: "poi"),
        data: EntityData(
            collection: "places", entityID: "P\"7\"", validFrom: Date(timeIntervalSince1970: 1_795_500_000),
            properties: .object([("name", .string("武汉\n")), ("floors", .number(7)), ("open", .bool(true)), ("note", .null)]),
            contentHash: "abc",
            origin: ImportOrigin(job: UUID(uuidString: "0195F2A0-1B2C-7D3E-8F40-000000000002")!, file: "places.gpkg", layer: "p", row: 7),
            outsideServiceAreaAllowed: false))

    @Test("an entity change is written as the Codable encoder writes it, and read back by both readers")
    func entityRoundTrip() throws {
        var retired = Self.entity
        retired.type = EntityEvent.retired
        retired.space = EntitySpace(geometry: nil)
        retired.data.properties = nil
        retired.data.reason = "missing from a full re-import"
        retired.data.origin = nil
        retired.data.outsideServiceAreaAllowed = nil
        for event in [Self.entity, retired] {
            let fast = event.jsonBytes
            let codable = try EventJSON.encoder().encode(event)
            #expect(try Self.sorted(JSONParser.parse(bytes: Array(fast))) == Self.sorted(JSONParser.parse(bytes: Array(codable))))
            for bytes in [fast, codable] {
                let viaCodable = try EventJSON.decoder().decode(EntityEvent.self, from: bytes)
                let viaParser = try EntityEvent(jsonBytes: bytes)
                for decoded in [viaCodable, viaParser] {
                    #expect(decoded.id == event.id && decoded.type == event.type && decoded.subject == event.subject)
                    #expect(Timestamp.format(decoded.recordedAt) == Timestamp.format(event.recordedAt))
                    #expect(Timestamp.format(decoded.occurredAt) == Timestamp.format(event.occurredAt))
                    #expect(decoded.space.adminCode == event.space.adminCode && decoded.space.sourceCRS == event.space.sourceCRS)
                    #expect(decoded.data.entityID == event.data.entityID && decoded.data.origin == event.data.origin)
                    #expect(decoded.data.reason == event.data.reason && decoded.attributes == event.attributes)
                }
                #expect(viaParser.space.geometry.map(Self.sorted) == event.space.geometry.map(Self.sorted))
                #expect(viaParser.data.properties.map(Self.sorted) == event.data.properties.map(Self.sorted))
            }
        }
    }

    /// Objects with their members sorted by name, at every level (the Codable path sorts them).
    static func sorted(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let members): .object(members.sorted { $0.key < $1.key }.map { ($0.key, sorted($0.value)) })
        case .array(let items): .array(items.map(sorted))
        default: value
        }
    }

    @Test("an entity change with a field of the wrong type is refused with its name")
    func entityRefused() {
        let text = String(decoding: Self.entity.jsonBytes, as: UTF8.self).replacingOccurrences(of: #""row":7"#, with: #""row":"seven""#)
        do {
            _ = try EntityEvent(jsonBytes: Data(text.utf8))
            Issue.record("accepted a non-integer row")
        } catch {
            #expect(error.reason.contains("data.origin.row"))
        }
    }
}

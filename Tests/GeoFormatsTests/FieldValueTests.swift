import Foundation
import GeoFormats
import Testing

@Suite("Values, JSON and coercion")
struct FieldValueTests {
    @Test(
        "date-time text in the forms sources use",
        arguments: [
            ("2024-03-01T12:34:56.789+08:00", "2024-03-01T12:34:56.789+08:00"),
            ("2024-03-01 12:34:56Z", "2024-03-01T12:34:56Z"),
            ("2024/03/01 12:34", "2024-03-01T12:34:00"),
            ("2024-03-01T12:34:56-0530", "2024-03-01T12:34:56-05:30"),
            ("2024-03-01T23:59:59+08", "2024-03-01T23:59:59+08:00"),
        ])
    func parsesDateTimes(_ input: String, _ expected: String) throws {
        #expect(try #require(CivilDateTime(parsing: input)).description == expected)
    }

    @Test("text that is no date-time is refused", arguments: ["2024-03-01", "12:00", "2024-13-01T00:00:00", "yesterday", "2024-03-01T25:00:00"])
    func refusesDateTimes(_ input: String) {
        #expect(CivilDateTime(parsing: input) == nil)
    }

    @Test("seconds since 1970 honour the offset; an unknown zone has none")
    func epochSeconds() throws {
        #expect(try #require(CivilDateTime(parsing: "1970-01-01T08:00:00+08:00")).secondsSince1970 == 0)
        #expect(try #require(CivilDateTime(parsing: "2024-03-01T00:00:00.5Z")).secondsSince1970 == 1_709_251_200.5)
        #expect(try #require(CivilDateTime(parsing: "2024-03-01T00:00:00")).secondsSince1970 == nil)
    }

    @Test("JSON and back, with the schema restoring dates and reals")
    func jsonRoundTrip() throws {
        let properties = try Samples.features()[0].properties
        let data = try JSONEncoder().encode(properties.map(\.value))
        let decoded = try JSONDecoder().decode([FieldValue].self, from: data)
        #expect(decoded != properties.map(\.value))  // dates came back as text
        let restored = zip(decoded, Samples.fields).map { $0.coerced(to: $1.type) }
        #expect(restored == properties.map(\.value))
    }

    @Test(
        "coercion",
        arguments: [
            (FieldValue.string("42"), FieldType.integer, FieldValue?.some(.integer(42))),
            (.real(3.0), .integer, .integer(3)),
            (.real(3.5), .integer, nil),
            (.string("N/A"), .integer, nil),
            (.integer(2), .real, .real(2)),
            (.string("是"), .boolean, nil),
            (.string("TRUE"), .boolean, .boolean(true)),
            (.integer(7), .string, .string("7")),
            (.null, .date, .null),
            (.string("1924-01-21"), .date, .date(CivilDate(year: 1924, month: 1, day: 21))),
        ])
    func coercion(_ value: FieldValue, _ type: FieldType, _ expected: FieldValue?) {
        #expect(value.coerced(to: type) == expected)
    }

    @Test("the writer coerces values to the declared types; values that cannot be become null with a warning")
    func writerCoerces() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var options = WriteOptions(
            layerName: "t", fields: [FieldDefinition("d", .date), FieldDefinition("n", .integer), FieldDefinition("t", .dateTime)])
        options.directory = directory.url
        let writer = try FeatureWriter(format: .geoPackage, options: options)
        let point = try GeometryFromText.parse("POINT (114.3 30.6)")
        try writer.write(
            Feature(properties: ["d": .string("2024-03-01"), "n": .real(5), "t": .string("2024-03-01T08:00:00+08:00")], geometry: point))
        try writer.write(Feature(properties: ["d": .string("soon"), "n": .string("N/A"), "t": .null], geometry: point))
        let file = try writer.finish()
        #expect(file.warnings.contains { $0.contains("'d'") } && file.warnings.contains { $0.contains("'n'") })
        let features = try FeatureReader(path: file.url.path).cursor().next(batch: 10).compactMap(\.feature)
        #expect(features.map { $0.properties["d"] } == [.date(CivilDate(year: 2024, month: 3, day: 1)), .null])
        #expect(features.map { $0.properties["n"] } == [.integer(5), .null])
        #expect(features.first?.properties["t"] == CivilDateTime(parsing: "2024-03-01T08:00:00+08:00").map(FieldValue.dateTime))
    }

    @Test(
        "CSV WKT keeps every geometry kind bit for bit",
        arguments: [
            "POINT EMPTY", "POINT ZM (114.1 30.2 5 7)", "MULTIPOINT ((114.1 30.2),(114.3 30.4))", "LINESTRING M (114 30 1,115 31 2)",
            "GEOMETRYCOLLECTION (POINT (114 30),LINESTRING (114 30,115 31))", "MULTILINESTRING ((114 30,115 31),(116 32,117 33))",
            "POLYGON Z ((114 30 1,115 30 1,115 31 1,114 30 1))", "CIRCULARSTRING (114 30,114.5 30.5,115 30)",
            "COMPOUNDCURVE ((114 30,114.5 30),CIRCULARSTRING (114.5 30,114.75 30.25,115 30))",
            "MULTIPOLYGON (((114.123456789012345 30.1,115 30.1,115 31,114.123456789012345 30.1)))",
        ])
    func csvGeometryKinds(_ wkt: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let geometry = try GeometryFromText.parse(wkt)
        var options = WriteOptions(layerName: "g", fields: [FieldDefinition("n", .integer)])
        options.directory = directory.url
        let writer = try FeatureWriter(format: .csv(.wkt), options: options)
        try writer.write(Feature(properties: ["n": .integer(1)], geometry: geometry))
        let file = try writer.finish()
        var read = ReadOptions()
        read.sourceCRS = .cgcs2000
        read.allowMissingGeometry = true
        let back = try FeatureReader(path: file.url.path, options: read).cursor().next()
        #expect(back?.feature?.geometry?.wkb == geometry.wkb, "\(String(describing: back))")
    }
}

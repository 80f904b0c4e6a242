import Foundation
import GeoFormats

/// Features built in code (EPSG:4490), for the writer tests: every attribute type, Chinese text, nulls,
/// and a point, a polygon with a hole, a multipolygon, a 3D line and a feature without geometry.
enum Samples {
    static let fields: [FieldDefinition] = [
        FieldDefinition("名称", .string),
        FieldDefinition("楼层数", .integer),
        FieldDefinition("big", .integer),
        FieldDefinition("height", .real),
        FieldDefinition("ratio", .real),
        FieldDefinition("open", .boolean),
        FieldDefinition("建成日期", .date),
        FieldDefinition("updated", .dateTime),
        FieldDefinition("local", .dateTime),
        FieldDefinition("备注", .string),
    ]

    static func dateTime(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int, _ second: Int, ms: Int = 0, zone: CivilDateTime.Zone)
        -> FieldValue
    {
        .dateTime(
            CivilDateTime(
                date: CivilDate(year: year, month: month, day: day), hour: hour, minute: minute, second: second, millisecond: ms, zone: zone))
    }

    static func properties(
        _ name: String, floors: Int64?, height: Double?, open: Bool?, built: CivilDate?, updated: FieldValue, note: String?
    ) -> Properties {
        [
            "名称": .string(name),
            "楼层数": floors.map(FieldValue.integer) ?? .null,
            "big": .integer(9_007_199_254_740_993),
            "height": height.map(FieldValue.real) ?? .null,
            "ratio": .real(0.1),
            "open": open.map(FieldValue.boolean) ?? .null,
            "建成日期": built.map(FieldValue.date) ?? .null,
            "updated": updated,
            "local": dateTime(2024, 3, 1, 8, 0, 0, zone: .unknown),
            "备注": note.map(FieldValue.string) ?? .null,
        ]
    }

    static func wkb(_ wkt: String) throws -> Geometry {
        try GeometryFromText.parse(wkt)
    }

    static func features() throws -> [Feature] {
        [
            Feature(
                properties: properties(
                    "江汉关大楼", floors: 4, height: 46.25, open: true, built: CivilDate(year: 1924, month: 1, day: 21),
                    updated: dateTime(2024, 3, 1, 12, 34, 56, ms: 789, zone: .offset(minutes: 480)), note: nil),
                geometry: try wkb("POINT (114.2890012345678 30.5789098765432)")),
            Feature(
                properties: properties(
                    "东湖", floors: 0, height: 0.125, open: false, built: CivilDate(year: 1950, month: 1, day: 1),
                    updated: dateTime(2024, 3, 2, 0, 0, 0, zone: .utc), note: "有洞的面,带逗号和\"引号\""),
                geometry: try wkb(
                    "POLYGON ((114.36 30.53,114.44 30.53,114.44 30.6,114.36 30.6,114.36 30.53),(114.39 30.55,114.39 30.56,114.4 30.55,114.39 30.55))")
            ),
            Feature(
                properties: properties("两江四岸", floors: nil, height: nil, open: nil, built: nil, updated: .null, note: "多面"),
                geometry: try wkb(
                    "MULTIPOLYGON (((114.27 30.55,114.27 30.57,114.29 30.55,114.27 30.55)),((114.3 30.56,114.3 30.58,114.32 30.56,114.3 30.56)))")),
            Feature(
                properties: properties(
                    "长江大桥", floors: 1, height: 80, open: true, built: CivilDate(year: 1957, month: 10, day: 15),
                    updated: dateTime(2023, 12, 31, 23, 59, 59, zone: .offset(minutes: -300)), note: "0271"),
                geometry: try wkb("LINESTRING Z (114.2833 30.5497 35,114.2931 30.5568 36.5)")),
            Feature(
                properties: properties("无几何", floors: 2, height: 1.5, open: true, built: nil, updated: .null, note: "no geometry"),
                geometry: nil),
        ]
    }
}

/// WKT to WKB through GDAL's command-line-free path: a one-row CSV read by `FeatureReader`.
enum GeometryFromText {
    static func parse(_ wkt: String) throws -> Geometry {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try directory.write("one.csv", "id,wkt\n1,\"\(wkt)\"\n")
        var options = ReadOptions()
        options.sourceCRS = .cgcs2000
        options.allowMissingGeometry = true
        let result = try FeatureReader(path: file.path, options: options).cursor().next()
        guard let geometry = result?.feature?.geometry else {
            throw GDALTools.Failure(description: "cannot parse \(wkt): \(String(describing: result))")
        }
        return Geometry(wkb: geometry.wkb)
    }
}

import Foundation
import GeoFormats
import Testing

/// Every input format, made from one GeoJSON by GDAL's own `ogr2ogr`, read back through `FeatureReader`.
@Suite("Reading each format")
struct ReadFormatsTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var file: String
        var ogrFormat: String
        var ogrOptions: [String] = []
        /// Feature names (`名称`) expected, in order: all six, or the polygons only for shapefiles.
        var names: [String] = Fixtures.mixedNames
        /// Whether integer and real attributes come back typed.
        var typed = true
        /// Whether the writer may rewind rings (shapefiles store outer rings clockwise, GeoJSONSeq
        /// follows RFC 7946), so positions are compared as sets.
        var rewinds = false
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "GeoPackage", file: "wuhan.gpkg", ogrFormat: "GPKG"),
        Case(name: "GeoJSON", file: "copy.geojson", ogrFormat: "GeoJSON"),
        Case(name: "GeoJSONSeq", file: "wuhan.geojsonl", ogrFormat: "GeoJSONSeq", rewinds: true),
        Case(name: "GML", file: "wuhan.gml", ogrFormat: "GML"),
        Case(name: "KML", file: "wuhan.kml", ogrFormat: "LIBKML"),
        // GDAL 3.6's CSV writer quotes integers, and quoted values read as text.
        Case(name: "CSV with WKT", file: "wuhan.csv", ogrFormat: "CSV", ogrOptions: ["-lco", "GEOMETRY=AS_WKT"], typed: false),
        Case(
            name: "Shapefile", file: "wuhan.shp", ogrFormat: "ESRI Shapefile",
            ogrOptions: ["-where", "kind IN ('polygon','multipolygon')", "-lco", "ENCODING=UTF-8"], names: ["东湖", "两江四岸"], rewinds: true),
        Case(
            name: "zipped Shapefile", file: "wuhan.shp.zip", ogrFormat: "ESRI Shapefile",
            ogrOptions: ["-where", "kind IN ('polygon','multipolygon')", "-lco", "ENCODING=UTF-8"], names: ["东湖", "两江四岸"], rewinds: true),
    ]

    @Test("reads features, attributes and geometry", arguments: cases)
    func readsFormat(_ format: Case) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let source = try directory.write("wuhan.geojson", Fixtures.mixedGeoJSON)
        let file = directory.file(format.file)
        try GDALTools.ogr2ogr(format.ogrFormat, file, source, format.ogrOptions)

        let reader = try FeatureReader(path: file.path)
        let cursor = try reader.cursor()
        #expect(cursor.targetCRS == .cgcs2000)
        var features: [Feature] = []
        while let result = try cursor.next() {
            guard case .feature(let feature) = result else {
                Issue.record("unexpected failure: \(result)")
                continue
            }
            features.append(feature)
        }
        #expect(features.map(\.row) == Array(1...format.names.count))
        #expect(features.map { $0.properties["名称"] } == format.names.map { .string($0) })
        for feature in features {
            guard case .string(let name) = feature.properties["名称"], let index = Fixtures.mixedNames.firstIndex(of: name),
                let geometry = feature.geometry
            else {
                Issue.record("feature \(feature.row) has no name or geometry")
                continue
            }
            let positions = try WKBCoordinates(geometry.wkb).positions
            let expected = Fixtures.mixedPositions[index]
            // WGS 84 to CGCS2000 is PROJ's ballpark (identity) transformation, so positions are unchanged.
            var flat = positions.map { Array($0.prefix(expected[0].count)) }
            var reference = expected
            if format.rewinds {
                flat.sort { $0.lexicographicallyPrecedes($1) }
                reference.sort { $0.lexicographicallyPrecedes($1) }
            }
            #expect(flat.maximumDifference(from: reference) < 1e-9, "\(format.name) \(name): \(positions) vs \(expected)")
            if format.typed, name == "江汉路步行街" {
                #expect(feature.properties["floors"] == .integer(3))
                #expect(feature.properties["height"] == .real(12.5))
            }
        }
        if format.name == "GeoPackage" {
            #expect(reader.layers.first?.featureCount == 6)
            #expect(reader.layers.first?.declaredCRS?.epsg == 4326)
            let line = try #require(features.first { $0.properties["名称"] == .string("长江大桥") })
            #expect(line.geometry?.type == GeometryType.lineString.with(z: true))
            #expect(line.properties["opened"] == .date(CivilDate(year: 1957, month: 10, day: 15)))
            #expect(
                line.properties["updated"]
                    == .dateTime(
                        CivilDateTime(date: CivilDate(year: 2023, month: 12, day: 31), hour: 23, minute: 59, second: 59, zone: .offset(minutes: 480)))
            )
            #expect(features.first?.properties["open"] == .boolean(true))
            #expect(features.first?.properties["note"] == .null)
            #expect(features.first?.fid == 1)
        }
    }

    @Test("a zip with the shapefile in a folder opens at that folder")
    func zipWithFolder() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let source = try directory.write("wuhan.geojson", Fixtures.mixedGeoJSON)
        let folder = directory.file("数据")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try GDALTools.ogr2ogr(
            "ESRI Shapefile", folder.appendingPathComponent("水体.shp"), source,
            ["-where", "kind = 'polygon'", "-lco", "ENCODING=UTF-8"])
        let zip = directory.file("upload.zip")
        try GDALTools.check(
            "python3",
            [
                "-c",
                "import sys, zipfile, pathlib; z = zipfile.ZipFile(sys.argv[1], 'w'); root = pathlib.Path(sys.argv[2]); "
                    + "[z.write(p, p.relative_to(root.parent)) for p in root.iterdir()]; z.close()",
                zip.path, folder.path,
            ])
        let reader = try FeatureReader(path: zip.path)
        #expect(reader.driver == "ESRI Shapefile")
        #expect(reader.layers.map(\.name) == ["水体"])
        let results = try reader.cursor().next(batch: 10)
        #expect(results.compactMap(\.feature).map { $0.properties["名称"] } == [.string("东湖")])
    }

    @Test("several layers need a name; an unknown name lists the layers")
    func layerChoice() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let source = try directory.write("wuhan.geojson", Fixtures.mixedGeoJSON)
        let file = directory.file("two.gpkg")
        try GDALTools.ogr2ogr("GPKG", file, source, ["-nln", "first"])
        try GDALTools.ogr2ogr("GPKG", file, source, ["-update", "-nln", "第二层", "-where", "kind = 'point'"])
        let reader = try FeatureReader(path: file.path)
        #expect(reader.layers.map(\.name) == ["first", "第二层"])
        #expect(throws: GeoFormatsError.self) { try reader.cursor() }
        do {
            _ = try reader.cursor(layer: "third")
            Issue.record("an unknown layer was opened")
        } catch {
            #expect(error.code == .layer)
            #expect(error.message.contains("第二层"))
        }
        let cursor = try reader.cursor(layer: "第二层")
        #expect(try cursor.next(batch: 100).count == 1)
        #expect(try reader.countFeatures(layer: "first") == 6)
    }

    @Test("a file no allowed driver reads is refused with a typed error")
    func notGIS() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try directory.write("notes.txt", "just text\n")
        #expect {
            try FeatureReader(path: file.path)
        } throws: { error in
            (error as? GeoFormatsError)?.code == .open
        }
        #expect {
            try FeatureReader(path: directory.file("missing.gpkg").path)
        } throws: { error in
            (error as? GeoFormatsError)?.code == .open
        }
    }

    @Test("GeoJSON geometries GDAL cannot read are row failures, unless missing geometry is allowed")
    func unreadableGeoJSONGeometry() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let text = """
            {"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{"a":1},"geometry":{"type":"Point","coordinates":[114.3,30.6]}},
            {"type":"Feature","properties":{"a":2},"geometry":{"type":"Point","coordinates":"abc"}},
            {"type":"Feature","properties":{"a":3},"geometry":{"type":"Polygon","coordinates":[[114.3,30.6]]}},
            {"type":"Feature","properties":{"a":4},"geometry":null},
            {"type":"Feature","properties":{"a":5},"geometry":{"type":"Point","coordinates":[114.3,30.6]}}
            ]}
            """
        let file = try directory.write("bad.geojson", text)
        let results = try FeatureReader(path: file.path).cursor().next(batch: 10)
        #expect(results.map(\.row) == [1, 2, 3, 4, 5])
        #expect(results.compactMap(\.failure).map(\.row) == [2, 3, 4])
        #expect(results.compactMap(\.failure).allSatisfy { $0.reason.contains("no geometry") })
        #expect(results[1].failure?.properties["a"] == .integer(2))
        var options = ReadOptions()
        options.allowMissingGeometry = true
        let lenient = try FeatureReader(path: file.path, options: options).cursor().next(batch: 10)
        #expect(lenient.compactMap(\.feature).map { $0.geometry == nil } == [false, true, true, true, false])
    }

    @Test("a GeoJSONSeq line that does not parse is reported at its row and the next line still reads")
    func badGeoJSONSeqLine() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let text = #"""
            {"type":"Feature","properties":{"a":1},"geometry":{"type":"Point","coordinates":[114.3,30.6]}}
            {"type":"Feature","properties":{"a":2},"geometry":{"type":"Point","coordinates":[114.3,
            {"type":"Feature","properties":{"a":3},"geometry":{"type":"Point","coordinates":[114.4,30.7]}}
            """#
        let file = try directory.write("bad.geojsonl", text + "\n")
        let results = try FeatureReader(path: file.path).cursor().next(batch: 10)
        #expect(results.map(\.row) == [1, 2, 3])
        #expect(results[1].failure?.reason.contains("JSON parsing error") == true)
        #expect(results.compactMap(\.feature).map { $0.properties["a"] } == [.integer(1), .integer(3)])
    }

    @Test("GeoJSON text of geometries on request")
    func geoJSONText() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let source = try directory.write("wuhan.geojson", Fixtures.mixedGeoJSON)
        var options = ReadOptions()
        options.includeGeoJSON = true
        let reader = try FeatureReader(path: source.path, options: options)
        let first = try #require(reader.cursor().next()?.feature?.geometry)
        let text = try #require(first.geoJSON)
        let object = try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["type"] as? String == "Point")
        #expect(object["coordinates"] as? [Double] == [114.2853, 30.5826])
        #expect(try first.makeGeoJSON() == first.geoJSON)
    }
}

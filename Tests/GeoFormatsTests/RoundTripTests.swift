import Foundation
import GeoFormats
import Testing

/// read → write → read through each export format.
@Suite("Writing and round trips")
struct RoundTripTests {
    func write(_ features: [Feature], as format: ExportFormat, options: WriteOptions? = nil, in directory: TemporaryDirectory) throws -> ExportedFile
    {
        var options = options ?? WriteOptions(layerName: "武汉地标", fields: Samples.fields)
        options.directory = directory.url
        let writer = try FeatureWriter(format: format, options: options)
        for feature in features { try writer.write(feature) }
        return try writer.finish()
    }

    /// Reads every row; the sample without geometry is expected, so missing geometry is allowed.
    func readAll(_ file: URL, options: ReadOptions = ReadOptions()) throws -> (features: [Feature], failures: [RowFailure], layer: LayerInfo) {
        var options = options
        options.allowMissingGeometry = true
        let reader = try FeatureReader(path: file.path, options: options)
        let cursor = try reader.cursor()
        var features: [Feature] = []
        var failures: [RowFailure] = []
        while let result = try cursor.next() {
            switch result {
            case .feature(let feature): features.append(feature)
            case .failure(let failure): failures.append(failure)
            }
        }
        return (features, failures, cursor.layer)
    }

    @Test("GeoPackage is lossless: types, values, Chinese text, nulls, dates and WKB bytes")
    func geoPackageLossless() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let original = try Samples.features()
        let file = try write(original, as: .geoPackage, in: directory)
        #expect(file.featureCount == original.count)
        #expect(file.renamedFields.isEmpty)
        #expect(file.suggestedFileName == "武汉地标.gpkg")
        #expect(file.contentType == "application/geopackage+sqlite3")

        let (first, failures, layer) = try readAll(file.url)
        #expect(failures.isEmpty)
        #expect(layer.fields == Samples.fields)
        #expect(layer.declaredCRS?.epsg == 4490)
        #expect(first.map(\.properties) == original.map(\.properties))
        #expect(first.map { $0.geometry?.wkb } == original.map { $0.geometry?.wkb })

        // And once more: what was read writes back to the same thing.
        let again = try TemporaryDirectory()
        defer { again.remove() }
        let second = try readAll(try write(first, as: .geoPackage, in: again).url).features
        #expect(second.map(\.properties) == original.map(\.properties))
        #expect(second.map { $0.geometry?.wkb } == original.map { $0.geometry?.wkb })
        #expect(second.map(\.fid) == first.map(\.fid))
    }

    @Test("GDAL's own ogrinfo reads the exported GeoPackage")
    func ogrinfoReadsExport() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try write(try Samples.features(), as: .geoPackage, in: directory)
        let summary = try GDALTools.check("ogrinfo", ["-ro", "-so", "-al", file.url.path]).stdout
        #expect(summary.contains("Layer name: 武汉地标"))
        #expect(summary.contains("Feature Count: 5"))
        #expect(summary.contains("China Geodetic Coordinate System 2000"))
        #expect(summary.contains(#"ID["EPSG",4490]"#))
        for line in ["名称: String", "楼层数: Integer64", "height: Real", "open: Integer(Boolean)", "建成日期: Date", "updated: DateTime"] {
            #expect(summary.contains(line), "ogrinfo summary lacks \(line)")
        }
        let full = try GDALTools.check("ogrinfo", ["-ro", "-al", "-q", "-where", "名称 = '江汉关大楼'", file.url.path]).stdout
        #expect(full.contains("updated (DateTime) = 2024/03/01 12:34:56.789+08"))
        #expect(full.contains("POINT (114.289001234568 30.5789098765432)"))  // ogrinfo prints 15 digits
        let check = try GDALTools.run("ogrinfo", ["-ro", "-q", "-sql", "PRAGMA integrity_check", file.url.path])
        #expect(check.status == 0 && check.stdout.contains("integrity_check (String) = ok"))
    }

    @Test("zipped Shapefile: UTF-8 .cpg, names cut to 10 bytes on character boundaries, the limits of a .dbf")
    func shapefile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let original = try Samples.features().filter { $0.geometry?.type.flat == .polygon || $0.geometry?.type.flat == .multiPolygon }
        var options = WriteOptions(layerName: "水体", fields: Samples.fields + [FieldDefinition("这是很长的中文字段名", .string)], geometryType: .multiPolygon)
        options.fileName = "水体"
        let file = try write(original, as: .shapefileZip, options: options, in: directory)
        #expect(file.suggestedFileName == "水体.shp.zip")
        #expect(file.renamedFields == [FieldRename(declared: "建成日期", written: "建成日"), FieldRename(declared: "这是很长的中文字段名", written: "这是很")])
        // Entry names are GBK (as Chinese Windows reads them) with the UTF-8 name in an Info-ZIP Unicode
        // Path field (0x7075) for other tools; the .cpg says UTF-8.
        let script = """
            import sys, zipfile
            z = zipfile.ZipFile(sys.argv[1])
            for i in z.infolist():
                name = i.filename.encode('cp437').decode('gbk')
                print(name, i.extra[9:].decode('utf-8'), z.read(i).decode() if name.endswith('.cpg') else '')
            """
        let listing = try GDALTools.check("python3", ["-c", script, file.url.path]).stdout
        #expect(listing.contains("水体.cpg 水体.cpg UTF-8"))
        for suffix in ["shp", "shx", "dbf", "prj"] { #expect(listing.contains("水体.\(suffix) 水体.\(suffix)")) }

        let (read, failures, layer) = try readAll(file.url)
        #expect(failures.isEmpty)
        #expect(layer.declaredCRS?.epsg == 4490)
        #expect(read.count == original.count)
        for (back, sent) in zip(read, original) {
            // Strings, integers (64-bit), reals and dates survive; a boolean comes back as 0/1, a date-time
            // as its ISO 8601 text; names longer than 10 bytes are cut.
            #expect(back.properties["名称"] == sent.properties["名称"])
            #expect(back.properties["big"] == .integer(9_007_199_254_740_993))
            #expect(back.properties["楼层数"] == sent.properties["楼层数"])
            #expect(back.properties["height"] == sent.properties["height"])
            #expect(back.properties["ratio"] == .real(0.1))
            #expect(back.properties["建成日"] == sent.properties["建成日期"])
            #expect(back.properties["备注"] == sent.properties["备注"])
            let open: FieldValue = sent.properties["open"].flatMap { if case .boolean(let b) = $0 { .integer(b ? 1 : 0) } else { nil } } ?? .null
            #expect(back.properties["open"] == open)
            let updated: FieldValue =
                sent.properties["updated"].flatMap { if case .dateTime(let t) = $0 { .string(t.description) } else { nil } } ?? .null
            #expect(back.properties["updated"] == updated)
            // Geometry: the same positions; a shapefile stores outer rings clockwise, so ring order may flip.
            let sentPositions = try WKBCoordinates(try #require(sent.geometry).wkb).positions
            let backPositions = try WKBCoordinates(try #require(back.geometry).wkb).positions
            #expect(backPositions.sorted { $0.lexicographicallyPrecedes($1) } == sentPositions.sorted { $0.lexicographicallyPrecedes($1) })
        }
    }

    @Test("GeoJSON keeps types and values (dates as recognised text) and geometry bit for bit")
    func geoJSON() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let original = try Samples.features()
        let file = try write(original, as: .geoJSON, in: directory)
        let text = try String(contentsOf: file.url, encoding: .utf8)
        #expect(text.contains("urn:ogc:def:crs:EPSG::4490"))
        #expect(text.contains("\"名称\": \"江汉关大楼\""))
        let (read, failures, layer) = try readAll(file.url)
        #expect(failures.isEmpty)
        #expect(layer.declaredCRS?.epsg == 4490)
        #expect(read.map(\.properties) == original.map(\.properties))
        #expect(read.map { $0.geometry?.wkb } == original.map { $0.geometry?.wkb })
    }

    @Test("CSV with WKT is lossless for these values: types by GDAL's detection, geometry in full precision")
    func csvWKT() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let original = try Samples.features()
        let file = try write(original, as: .csv(.wkt), in: directory)
        let bytes = try Data(contentsOf: file.url)
        #expect(bytes.prefix(3) == Data([0xEF, 0xBB, 0xBF]))  // a BOM, so that spreadsheet programs read UTF-8
        var options = ReadOptions()
        options.sourceCRS = .cgcs2000
        let (read, failures, _) = try readAll(file.url, options: options)
        #expect(failures.isEmpty)
        #expect(read.count == original.count)
        for (back, sent) in zip(read, original) {
            #expect(back.properties == sent.properties)
            #expect(back.geometry?.wkb == sent.geometry?.wkb)
        }
    }

    @Test("CSV with lon/lat: points only, others rejected per feature")
    func csvLonLat() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var options = WriteOptions(layerName: "points", fields: Samples.fields)
        options.directory = directory.url
        let writer = try FeatureWriter(format: .csv(.lonLat), options: options)
        let features = try Samples.features()
        try writer.write(features[0])
        #expect {
            try writer.write(features[1])
        } throws: { error in
            (error as? GeoFormatsError)?.code == .featureRejected && (error as? GeoFormatsError)?.message.contains("points only") == true
        }
        let file = try writer.finish()
        #expect(file.featureCount == 1)
        let bytes = try Data(contentsOf: file.url)
        #expect(bytes.prefix(3) == Data([0xEF, 0xBB, 0xBF]))
        let header = String(decoding: bytes.dropFirst(3), as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        #expect(header.hasPrefix("lon,lat,名称,"))
        let (read, failures, _) = try readAll(file.url)
        #expect(failures.isEmpty)
        let point = try #require(read.first?.geometry)
        #expect(try WKBCoordinates(point.wkb).positions == [[114.2890012345678, 30.5789098765432]])
    }

    @Test("export in a Gauss-Kruger zone: ogrinfo sees EPSG:4547 and reading back gives the same degrees")
    func exportInTargetCRS() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let original = try Samples.features()
        var options = WriteOptions(layerName: "gk", fields: Samples.fields)
        options.targetCRS = CRS(epsg: 4547)
        let file = try write(original, as: .geoPackage, options: options, in: directory)
        let summary = try GDALTools.check("ogrinfo", ["-ro", "-so", "-al", file.url.path]).stdout
        #expect(summary.contains(#"ID["EPSG",4547]"#))
        let (read, _, layer) = try readAll(file.url)
        #expect(layer.declaredCRS?.epsg == 4547)
        for (back, sent) in zip(read, original) {
            guard let sentGeometry = sent.geometry else { continue }
            let backPositions = try WKBCoordinates(try #require(back.geometry).wkb).positions
            #expect(backPositions.maximumDifference(from: try WKBCoordinates(sentGeometry.wkb).positions) < 1e-9)
        }
    }

    @Test("a shapefile takes one geometry type: others are rejected and the writer goes on")
    func shapefileRejectsOtherTypes() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var options = WriteOptions(layerName: "polygons", fields: Samples.fields, geometryType: .polygon)
        options.directory = directory.url
        let writer = try FeatureWriter(format: .shapefileZip, options: options)
        let features = try Samples.features()
        #expect {
            try writer.write(features[0])
        } throws: { error in
            (error as? GeoFormatsError)?.code == .featureRejected
        }
        try writer.write(features[1])
        #expect(try writer.finish().featureCount == 1)
    }

    @Test("properties outside the schema are skipped with a warning; a dropped writer removes its file")
    func undeclaredAndDropped() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var feature = try Samples.features()[0]
        feature.properties["extra"] = .string("x")
        var options = WriteOptions(layerName: "w", fields: Samples.fields)
        options.directory = directory.url
        let writer = try FeatureWriter(format: .geoJSON, options: options)
        try writer.write(feature)
        try writer.write(feature)
        let file = try writer.finish()
        #expect(file.warnings.contains { $0.contains("'extra'") })
        #expect(file.warnings.filter { $0.contains("'extra'") }.count == 1)

        var kept = WriteOptions(layerName: "dropped", fields: Samples.fields)
        kept.directory = directory.url
        do {
            let dropped = try FeatureWriter(format: .geoPackage, options: kept)
            try dropped.write(feature)
            #expect(FileManager.default.fileExists(atPath: directory.file("dropped.gpkg").path))
        }
        #expect(!FileManager.default.fileExists(atPath: directory.file("dropped.gpkg").path))

        let temporary = WriteOptions(layerName: "temporary", fields: Samples.fields)
        let exported = try FeatureWriter(format: .geoPackage, options: temporary)
        try exported.write(feature)
        let finished = try exported.finish()
        #expect(FileManager.default.fileExists(atPath: finished.url.path))
        try finished.remove()
        let temporaryDirectory = try #require(finished.temporaryDirectory)
        #expect(!FileManager.default.fileExists(atPath: temporaryDirectory.path))
    }
}

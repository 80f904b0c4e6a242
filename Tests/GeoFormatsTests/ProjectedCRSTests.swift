import Foundation
import GeoFormats
import Geodesy
import Testing

/// Projected sources (CGCS2000 Gauss-Kruger zones, Web Mercator) come out in EPSG:4490 where PROJ puts them.
@Suite("Projected CRSs to EPSG:4490")
struct ProjectedCRSTests {
    let transformer = CoordinateTransformer()

    /// PROJ's answer for each corner, through the Geodesy module.
    func expected(_ corners: [[Double]], from epsg: Int) throws -> [[Double]] {
        try corners.map { corner in
            let output = try transformer.transform(x: corner[0], y: corner[1], from: CoordinateReferenceSystem(epsg: epsg), to: .cgcs2000)
            return [output.x, output.y]
        }
    }

    func readPositions(_ path: String, options: ReadOptions = ReadOptions()) throws -> (positions: [[Double]], cursor: FeatureCursor) {
        let reader = try FeatureReader(path: path, options: options)
        let cursor = try reader.cursor()
        var positions: [[Double]] = []
        while let result = try cursor.next() {
            let feature = try #require(result.feature, "\(result)")
            positions += try WKBCoordinates(try #require(feature.geometry).wkb).positions
        }
        return (positions, cursor)
    }

    @Test("Shapefile and GeoPackage in EPSG:4547 read within 1e-7 degrees of PROJ", arguments: ["grid.shp", "grid.gpkg"])
    func gaussKruger(_ name: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (text, corners) = Fixtures.gaussKrugerGeoJSON()
        let source = try directory.write("grid.geojson", text)
        let file = directory.file(name)
        try GDALTools.ogr2ogr(
            name.hasSuffix(".shp") ? "ESRI Shapefile" : "GPKG", file, source, ["-lco", "ENCODING=UTF-8"].filter { _ in name.hasSuffix(".shp") })

        let (positions, cursor) = try readPositions(file.path)
        #expect(cursor.layer.declaredCRS?.epsg == 4547, "declared: \(String(describing: cursor.layer.declaredCRS))")
        #expect(cursor.sourceCRS.epsg == 4547)
        #expect(cursor.sourceCRSIsAssumed == false)
        // A shapefile stores outer rings clockwise, so ogr2ogr rewinds these; compare as sorted sets.
        let reference = try expected(corners, from: 4547).sorted { $0.lexicographicallyPrecedes($1) }
        #expect(positions.count == reference.count)
        #expect(positions.sorted { $0.lexicographicallyPrecedes($1) }.maximumDifference(from: reference) < 1e-7)
        // And the positions are where Wuhan is.
        #expect(positions.allSatisfy { (113.9...114.6).contains($0[0]) && (30.4...30.8).contains($0[1]) })
    }

    @Test("one corner agrees with cs2cs from proj-bin")
    func agreesWithCS2CS() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (text, corners) = Fixtures.gaussKrugerGeoJSON()
        let source = try directory.write("grid.geojson", text)
        let file = directory.file("grid.gpkg")
        try GDALTools.ogr2ogr("GPKG", file, source)
        let (positions, _) = try readPositions(file.path)
        // cs2cs uses the authority axis order: northing, easting in; latitude, longitude out.
        let (latitude, longitude) = try GDALTools.cs2cs(from: "EPSG:4547", to: "EPSG:4490", corners[0][1], corners[0][0])
        #expect(abs(positions[0][0] - longitude) < 1e-7)
        #expect(abs(positions[0][1] - latitude) < 1e-7)
    }

    /// 6° zone 20 with its prefix, 6° CM 117°E, 3° zone 38 with its prefix, 3° CM 114°E, Web Mercator.
    @Test("a CSV of x/y with --crs, in each kind of zone", arguments: [4498, 4509, 4526, 4547, 3857])
    func zonesByOverride(_ epsg: Int) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let zone = CoordinateReferenceSystem(epsg: epsg)
        let places = [[114.3, 30.6], [114.05, 30.45], [114.61, 30.82]]
        let points = try places.map { place in
            let projected = try transformer.transform(x: place[0], y: place[1], from: .cgcs2000, to: zone)
            return [projected.x, projected.y]
        }
        let rows = points.enumerated().map { "\($0.offset),\($0.element[0]),\($0.element[1])" }
        let file = try directory.write("points.csv", "id,x,y\n" + rows.joined(separator: "\n") + "\n")
        var options = ReadOptions()
        options.sourceCRS = CRS(parsing: "EPSG:\(epsg)")
        options.boundsCheck = .china
        let (positions, cursor) = try readPositions(file.path, options: options)
        #expect(cursor.sourceCRS.epsg == epsg)
        #expect(cursor.csvColumns?.longitude == "x")
        #expect(positions.maximumDifference(from: try expected(points, from: epsg)) < 1e-7)
        #expect(positions.maximumDifference(from: places) < 1e-7)
    }

    @Test("Web Mercator (EPSG:3857)")
    func webMercator() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let points = [[12_724_000.0, 3_579_000.0], [12_730_500.5, 3_581_200.25]]
        let csv =
            "名称,WKT\n" + points.enumerated().map { "点\($0.offset),\"POINT (\($0.element[0]) \($0.element[1]))\"" }.joined(separator: "\n") + "\n"
        let plain = try directory.write("mercator.csv", csv)
        let file = directory.file("mercator.gpkg")
        try GDALTools.ogr2ogr("GPKG", file, plain, ["-a_srs", "EPSG:3857"])
        let (positions, cursor) = try readPositions(file.path)
        #expect(cursor.sourceCRS.epsg == 3857)
        #expect(positions.maximumDifference(from: try expected(points, from: 3857)) < 1e-7)
    }

    @Test("no CRS in the file: the assumed one is used and said so")
    func assumedCRS() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try directory.write("plain.csv", "lon,lat\n114.3,30.6\n")
        let reader = try FeatureReader(path: file.path)
        let cursor = try reader.cursor()
        #expect(cursor.sourceCRSIsAssumed)
        #expect(cursor.sourceCRS == .wgs84)
        #expect(reader.layers.first?.declaredCRS == nil)
    }

    @Test("the bounds check rejects rows outside China with a reason, and reading goes on")
    func boundsCheck() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try directory.write("mixed.csv", "id,lon,lat\n1,114.3,30.6\n2,2.35,48.85\n3,121.47,31.23\n")
        var options = ReadOptions()
        options.boundsCheck = .china
        let results = try FeatureReader(path: file.path, options: options).cursor().next(batch: 10)
        #expect(results.map(\.row) == [1, 2, 3])
        #expect(results.compactMap(\.feature).map { $0.properties["id"] } == [.integer(1), .integer(3)])
        let failure = try #require(results[1].failure)
        #expect(failure.reason.contains("outside China"))
        #expect(failure.properties["id"] == .integer(2))
    }

    @Test("CRS text that would make GDAL read files or the network is refused")
    func crsParsing() {
        #expect(CRS(parsing: "EPSG:4547")?.epsg == 4547)
        #expect(CRS(parsing: "http://www.opengis.net/def/crs/EPSG/0/4490")?.epsg == 4490)
        #expect(CRS(parsing: "+proj=longlat +ellps=GRS80 +no_defs")?.epsg == nil)
        #expect(CRS(parsing: "ESRI:102100") != nil)
        #expect(CRS(parsing: "/etc/passwd") == nil)
        #expect(CRS(parsing: "https://example.com/crs.wkt") == nil)
    }

    @Test("an unknown CRS fails the cursor with GDAL's message")
    func unknownCRS() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try directory.write("plain.csv", "lon,lat\n114.3,30.6\n")
        var options = ReadOptions()
        options.sourceCRS = CRS(epsg: 99_999)
        let reader = try FeatureReader(path: file.path, options: options)
        #expect {
            try reader.cursor()
        } throws: { error in
            guard let error = error as? GeoFormatsError else { return false }
            return error.code == .crs && error.message.contains("EPSG:99999")
        }
    }
}

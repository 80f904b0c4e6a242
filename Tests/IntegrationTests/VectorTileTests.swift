import Events
import Foundation
import PostgresNIO
import ShikongTesting
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Vector tiles through the real path: entities imported as events, projected into PostGIS, read as
/// `/collections/{c}/tiles/WebMercatorQuad/{z}/{x}/{y}` and decoded by an independent decoder
/// (PyPI mapbox-vector-tile, `Tests/Browser/decode_tile.py`).
@Suite("Vector tiles", .serialized)
struct VectorTileTests {
    /// A decoded tile.
    struct DecodedTile {
        var cache: String?
        var thinned: Bool
        /// id → (type, first position in tile units, properties).
        var features: [String: (type: String, x: Double, y: Double, properties: [String: Any])]
    }

    /// The tile at `url` (or in a file), fetched with `token` (a bearer token) when given.
    static func decode(_ url: String, token: String? = nil) async throws -> DecodedTile {
        let python = TestPlatform.repositoryRoot.appendingPathComponent(".venv/bin/python").path
        let script = TestPlatform.repositoryRoot.appendingPathComponent("Tests/Browser/decode_tile.py").path
        let (status, output) = try await runToolDetached(python, [script, url] + (token.map { [$0] } ?? []))
        try #require(status == 0, "\(output)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any], "\(output)")
        let headers = object["headers"] as? [String: Any] ?? [:]
        if url.hasPrefix("http") { #expect(headers["Content-Type"] as? String == "application/vnd.mapbox-vector-tile") }
        var features: [String: (String, Double, Double, [String: Any])] = [:]
        for (_, layer) in object["layers"] as? [String: [String: Any]] ?? [:] {
            #expect(layer["extent"] as? Int == 4096)
            for feature in layer["features"] as? [[String: Any]] ?? [] {
                let properties = feature["properties"] as? [String: Any] ?? [:]
                let id = try #require((feature["id"] as? String) ?? (properties["code"] as? String))
                var first = feature["coordinates"]
                while let nested = first as? [Any], let inner = nested.first, inner is [Any] { first = inner }
                let position = first as? [Double] ?? []
                features[id] = (
                    feature["type"] as? String ?? "", position.first ?? .nan, position.last ?? .nan, feature["properties"] as? [String: Any] ?? [:]
                )
            }
        }
        return DecodedTile(
            cache: headers["Shikong-Tile-Cache"] as? String, thinned: headers["Shikong-Tile-Thinned"] as? String == "true", features: features)
    }

    // Web Mercator, written out here rather than taken from the code under test.
    static let radius = 6_378_137.0
    static func mercator(_ lon: Double, _ lat: Double) -> (Double, Double) {
        (radius * lon * .pi / 180, radius * log(tan(.pi / 4 + lat * .pi / 360)))
    }
    static func tile(containing lon: Double, _ lat: Double, zoom: Int) -> (x: Int, y: Int) {
        let (mx, my) = mercator(lon, lat)
        let size = 2 * .pi * radius / Double(1 << zoom)
        return (Int(((mx + .pi * radius) / size).rounded(.down)), Int(((.pi * radius - my) / size).rounded(.down)))
    }
    /// Where a position falls in a tile, in 4096-unit tile coordinates (y down).
    static func position(_ lon: Double, _ lat: Double, zoom: Int, x: Int, y: Int) -> (Double, Double) {
        let (mx, my) = mercator(lon, lat)
        let size = 2 * .pi * radius / Double(1 << zoom)
        let west = -.pi * radius + Double(x) * size
        let north = .pi * radius - Double(y) * size
        return ((mx - west) / size * 4096, (north - my) / size * 4096)
    }
    /// The tile's area with its 64-unit buffer, in degrees: what the tile must hold.
    static func bufferedDegrees(zoom: Int, x: Int, y: Int) -> String {
        let n = Double(1 << zoom)
        let margin = 64.0 / 4096
        func lon(_ column: Double) -> Double { column / n * 360 - 180 }
        func lat(_ row: Double) -> Double { atan(sinh(.pi * (1 - 2 * row / n))) * 180 / .pi }
        return [lon(Double(x) - margin), lat(Double(y) + 1 + margin), lon(Double(x) + 1 + margin), lat(Double(y) - margin)]
            .map { String(format: "%.9f", $0) }.joined(separator: ",")
    }

    static func point(_ id: String, _ lon: Double, _ lat: Double, name: String) -> String {
        #"{"type":"Feature","properties":{"code":"\#(id)","name":"\#(name)"},"geometry":{"type":"Point","coordinates":[\#(lon),\#(lat)]}}"#
    }

    static func importFile(_ features: [String], collection: String, platform: TestPlatform) async throws {
        let directory = platform.dataDirectory.appendingPathComponent("tiles-\(collection)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("\(collection).geojson")
        try #"{"type":"FeatureCollection","features":[\#(features.joined(separator: ","))]}"#.write(to: file, atomically: true, encoding: .utf8)
        let imported = try await runCLI(["import", file.path, "--collection", collection, "--id-field", "code"], platform: platform)
        #expect(imported.status == 0, "\(imported.output)")
    }

    @Test("a tile holds exactly the features of its buffered bbox, at the right tile coordinates, with their properties")
    func exactFeatures() async throws {
        let platform = try await TestPlatform.shared()
        let name = "tiles_\(UUID().uuidString.prefix(6).lowercased())"
        var generator = SystemRandomNumberGenerator()
        var positions: [String: (Double, Double)] = [:]
        var features: [String] = []
        for index in 0..<300 {
            // The first few lie near the point whose tiles are checked, so no zoom's tile is empty by chance.
            let near = index < 6
            let lon = near ? 114.31 + Double(index - 3) * 0.0004 : 114.26 + Double.random(in: 0..<0.10, using: &generator)
            let lat = near ? 30.56 + Double(index % 2) * 0.0004 : 30.52 + Double.random(in: 0..<0.08, using: &generator)
            positions["p\(index)"] = (lon, lat)
            features.append(Self.point("p\(index)", lon, lat, name: "点\(index)"))
        }
        try await Self.importFile(features, collection: name, platform: platform)
        #expect(try await platform.waitForCount("SELECT count(*)::int FROM entity_current WHERE collection = \(name)") { $0 == 300 } == 300)

        for zoom in [13, 14, 15] {
            let (x, y) = Self.tile(containing: 114.31, 30.56, zoom: zoom)
            let decoded = try await Self.decode("\(platform.baseURL)/collections/\(name)/tiles/WebMercatorQuad/\(zoom)/\(x)/\(y)")
            let items = try await platform.get("/collections/\(name)/items?bbox=\(Self.bufferedDegrees(zoom: zoom, x: x, y: y))&limit=1000").json
            let expected = Set((items["features"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String })
            #expect(!expected.isEmpty && expected.count < 300, "zoom \(zoom): \(expected.count) features in the bbox")
            // The tile selects with `&&`, which compares single-precision boxes rounded outwards
            // (7.6e-6° at 114°E, 0.7 tile units at zoom 13), and PostGIS snaps points to the tile
            // grid: so a point within a unit of the buffer's edge may be in the tile and not in the
            // items. Anywhere else the two must agree.
            for id in Set(decoded.features.keys).symmetricDifference(expected) {
                let (lon, lat) = try #require(positions[id])
                let (px, py) = Self.position(lon, lat, zoom: zoom, x: x, y: y)
                let edgeDistance = [px + 64, 4096 + 64 - px, py + 64, 4096 + 64 - py].map(abs).min() ?? 0
                #expect(edgeDistance <= 1, "zoom \(zoom): \(id) at \(px),\(py) is in \(expected.contains(id) ? "items" : "the tile") only")
            }
            #expect(!decoded.thinned)
            for (id, feature) in decoded.features {
                let (lon, lat) = try #require(positions[id])
                let (ex, ey) = Self.position(lon, lat, zoom: zoom, x: x, y: y)
                #expect(feature.type == "Point")
                #expect(abs(feature.x - ex) <= 1 && abs(feature.y - ey) <= 1, "\(id) at \(feature.x),\(feature.y), expected \(ex),\(ey)")
                #expect(feature.properties["name"] as? String == "点\(id.dropFirst())")
            }
        }
        // The CGCS2000 geographic quad: tile units straight from degrees, no projection.
        let geographicZoom = 12
        let size = 180 / Double(1 << geographicZoom)
        let (column, row) = (Int(((114.31 + 180) / size).rounded(.down)), Int(((90 - 30.56) / size).rounded(.down)))
        let geographic = try await Self.decode("\(platform.baseURL)/collections/\(name)/tiles/CGCS2000Quad/\(geographicZoom)/\(column)/\(row)")
        #expect(!geographic.features.isEmpty)
        for (id, feature) in geographic.features {
            let (lon, lat) = try #require(positions[id])
            let (ex, ey) = ((lon - (-180 + Double(column) * size)) / size * 4096, ((90 - Double(row) * size) - lat) / size * 4096)
            #expect(abs(feature.x - ex) <= 1 && abs(feature.y - ey) <= 1, "\(id) at \(feature.x),\(feature.y), expected \(ex),\(ey)")
        }
        // A filter and a property filter select within the tile, as on items.
        let zoom = 14
        let (x, y) = Self.tile(containing: 114.31, 30.56, zoom: zoom)
        let filter = "name IN ('点1','点2','点3','点4','点5','点6','点7','点8','点9')".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        let filtered = try await Self.decode("\(platform.baseURL)/collections/\(name)/tiles/WebMercatorQuad/\(zoom)/\(x)/\(y)?filter=\(filter)")
        let inTile = try await Self.decode("\(platform.baseURL)/collections/\(name)/tiles/WebMercatorQuad/\(zoom)/\(x)/\(y)")
        #expect(Set(filtered.features.keys) == Set(inTile.features.keys.filter { (1...9).map { "p\($0)" }.contains($0) }))
        // Paging parameters have no meaning for a tile.
        #expect(try await platform.get("/collections/\(name)/tiles/WebMercatorQuad/\(zoom)/\(x)/\(y)?limit=5").status == 400)
        #expect(try await platform.get("/collections/\(name)/tiles/WebMercatorQuad/25/0/0").status == 404)
        #expect(try await platform.get("/collections/\(name)/tiles/WebMercatorQuad/3/8/0").status == 404)
    }

    @Test("an as_of tile shows the older geometry; after an import moves a feature the cached tile changes within a second")
    func asOfAndInvalidation() async throws {
        let platform = try await TestPlatform.shared()
        let name = "moving_\(UUID().uuidString.prefix(6).lowercased())"
        let (before, after) = ((114.3050, 30.5450), (114.3080, 30.5470))
        let zoom = 14
        let (x, y) = Self.tile(containing: before.0, before.1, zoom: zoom)
        #expect(Self.tile(containing: after.0, after.1, zoom: zoom) == (x, y))
        let url = "\(platform.baseURL)/collections/\(name)/tiles/WebMercatorQuad/\(zoom)/\(x)/\(y)"

        try await Self.importFile([Self.point("M", before.0, before.1, name: "黄鹤楼")], collection: name, platform: platform)
        #expect(try await platform.waitForCount("SELECT count(*)::int FROM entity_current WHERE collection = \(name)") { $0 == 1 } == 1)
        let firstKnown = Date()
        try await Task.sleep(for: .milliseconds(200))

        // The current tile, rendered once and then served from the cache.
        // Other suites import into the shared platform meanwhile, and their change notices may empty
        // the cache between two reads: a few tries find two reads with no change between.
        var first = try await Self.decode(url)
        var cached = try await Self.decode(url)
        for _ in 0..<10 where cached.cache != "hit" {
            first = try await Self.decode(url)
            cached = try await Self.decode(url)
        }
        #expect(cached.cache == "hit", "a second read comes from the cache")
        let (bx, by) = Self.position(before.0, before.1, zoom: zoom, x: x, y: y)
        #expect(abs((first.features["M"]?.x ?? 0) - bx) <= 1 && abs((first.features["M"]?.y ?? 0) - by) <= 1)

        try await Self.importFile([Self.point("M", after.0, after.1, name: "黄鹤楼")], collection: name, platform: platform)
        let moved: PostgresQuery = "SELECT count(*)::int FROM entity_current WHERE collection = \(name) AND ST_X(geom) > 114.307"
        #expect(try await platform.waitForCount(moved) { $0 == 1 } == 1)
        let committed = ContinuousClock.now
        let (ax, ay) = Self.position(after.0, after.1, zoom: zoom, x: x, y: y)
        var fresh = false
        while ContinuousClock.now - committed < .seconds(1) {
            let tile = try await Self.decode(url)
            if let feature = tile.features["M"], abs(feature.x - ax) <= 1, abs(feature.y - ay) <= 1 {
                fresh = true
                break
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(fresh, "the cached tile showed the old position more than a second after the projection committed the move")

        // As of the first import: the older geometry, also cached, and unaffected by the move.
        let asOf = "\(url)?as_of=\(Timestamp.format(firstKnown))"
        for round in 0..<2 {
            let old = try await Self.decode(asOf)
            let feature = try #require(old.features["M"])
            #expect(abs(feature.x - bx) <= 1 && abs(feature.y - by) <= 1, "as_of shows \(feature.x),\(feature.y)")
            if round == 1 { #expect(old.cache == "hit") }
        }
    }

    @Test("tile matrix sets, tilesets and conformance describe the tiles")
    func metadata() async throws {
        let platform = try await TestPlatform.shared()
        let sets = try await platform.get("/tileMatrixSets").json["tileMatrixSets"] as? [[String: Any]] ?? []
        #expect(sets.compactMap { $0["id"] as? String } == ["WebMercatorQuad", "CGCS2000Quad"])
        let webMercator = try await platform.get("/tileMatrixSets/WebMercatorQuad").json
        let matrices = webMercator["tileMatrices"] as? [[String: Any]] ?? []
        #expect(matrices.count == 25)
        #expect(abs((matrices.first?["scaleDenominator"] as? Double ?? 0) - 559_082_264.028_717_8) < 1e-3)
        #expect(matrices[3]["matrixWidth"] as? Int == 8)
        let geographic = try await platform.get("/tileMatrixSets/CGCS2000Quad").json["tileMatrices"] as? [[String: Any]] ?? []
        #expect(geographic.first?["matrixWidth"] as? Int == 2 && geographic.first?["matrixHeight"] as? Int == 1)
        let conformance = try await platform.get("/conformance").json["conformsTo"] as? [String] ?? []
        #expect(conformance.contains("http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/mvt"))
        let tileset = try await platform.get("/collections/sensors/tiles/WebMercatorQuad").json
        let links = tileset["links"] as? [[String: Any]] ?? []
        #expect(
            links.contains {
                ($0["href"] as? String)?.hasSuffix("/collections/sensors/tiles/WebMercatorQuad/{tileMatrix}/{tileCol}/{tileRow}") == true
            })
        #expect(try await platform.get("/tileMatrixSets/Nowhere").status == 404)
    }
}

import Foundation
import Logging
import PostgresNIO
import ReadModel
import ShikongTesting
import Testing

/// Thinned vector tiles against the real PostGIS: a tile store with a cap of 40 features over points
/// imported as events, tiles decoded by the independent decoder of ``VectorTileTests``.
@Suite("Tile thinning", .serialized)
struct TileThinningTests {
    static let cap = 40

    /// Deterministic positions, uniform over `box` (west, south, east, north).
    static func scatter(_ count: Int, over box: (Double, Double, Double, Double), prefix: String) -> [(id: String, lon: Double, lat: Double)] {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        return (0..<count).map { index in
            (id: "\(prefix)\(index)", lon: box.0 + next() * (box.2 - box.0), lat: box.1 + next() * (box.3 - box.1))
        }
    }

    /// The tile's bounds in degrees (no buffer), from the Web Mercator formulas of the test.
    static func degrees(zoom: Int, x: Int, y: Int) -> (Double, Double, Double, Double) {
        let n = Double(1 << zoom)
        func lon(_ column: Double) -> Double { column / n * 360 - 180 }
        func lat(_ row: Double) -> Double { atan(sinh(.pi * (1 - 2 * row / n))) * 180 / .pi }
        return (lon(Double(x)), lat(Double(y + 1)), lon(Double(x + 1)), lat(Double(y)))
    }

    @Test("a tile over the cap holds the features of one thinning level, at most the cap; sparse tiles keep all; tiles nest across zooms")
    func thinning() async throws {
        let platform = try await TestPlatform.shared()
        let name = "thinning_\(UUID().uuidString.prefix(6).lowercased())"
        // 1,600 points over one zoom-11 tile (400 in each of its zoom-12 quarters on average), and
        // 12 in a zoom-12 tile of their own further east.
        let (parentX, parentY) = VectorTileTests.tile(containing: 114.30, 30.55, zoom: 11)
        let parent = Self.degrees(zoom: 11, x: parentX, y: parentY)
        let inset = 0.002
        let dense = Self.scatter(1_600, over: (parent.0 + inset, parent.1 + inset, parent.2 - inset, parent.3 - inset), prefix: "d")
        let (sparseX, sparseY) = VectorTileTests.tile(containing: 114.80, 30.55, zoom: 12)
        let sparseBox = Self.degrees(zoom: 12, x: sparseX, y: sparseY)
        let sparse = Self.scatter(
            12, over: (sparseBox.0 + inset, sparseBox.1 + inset, sparseBox.2 - inset, sparseBox.3 - inset), prefix: "s")
        try await VectorTileTests.importFile(
            (dense + sparse).map { VectorTileTests.point($0.id, $0.lon, $0.lat, name: $0.id) }, collection: name, platform: platform)
        let total = dense.count + sparse.count
        #expect(try await platform.waitForCount("SELECT count(*)::int FROM entity_current WHERE collection = \(name)") { $0 == total } == total)

        let limits = {
            var limits = TileLimits()
            limits.maximumFeatures = Self.cap
            return limits
        }()
        try await platform.withDatabase { client in
            let logger = Logger(label: "shikong.test.tiles")
            let features = FeatureStore(client: client, logger: logger)
            let store = TileStore(features: features, cache: TileCache(capacity: 0), limits: limits)
            let collection = try await features.registry.collection(name)
            let request = try TileRequest([], collection: collection, limits: QueryLimits())
            let directory = platform.dataDirectory.appendingPathComponent("tiles-\(name)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)

            func render(zoom: Int, x: Int, y: Int) async throws -> (tile: TileStore.Tile, ids: Set<String>) {
                let tile = try await store.tile(collection, request, at: try TileAddress(.webMercatorQuad, zoom: zoom, column: x, row: y))
                let file = directory.appendingPathComponent("\(zoom)-\(x)-\(y).mvt")
                try Data(tile.data.readableBytesView).write(to: file)
                return (tile, Set(try await VectorTileTests.decode(file.path).features.keys))
            }
            /// The features of the buffered tile at `level` or above, as PostGIS has them.
            func expected(zoom: Int, x: Int, y: Int, level: Int) async throws -> Set<String> {
                let box = VectorTileTests.bufferedDegrees(zoom: zoom, x: x, y: y).split(separator: ",").compactMap { Double($0) }
                let rows = try await client.query(
                    """
                    SELECT entity_id FROM entity_current WHERE collection = \(name)
                    AND geom && ST_MakeEnvelope(\(box[0]), \(box[1]), \(box[2]), \(box[3]), 4490) AND shikong_thin_level(entity_id) >= \(level)
                    """, logger: logger)
                var ids: Set<String> = []
                for try await id in rows.decode(String.self) { ids.insert(id) }
                return ids
            }

            // The zoom-11 tile: 1,600 points, over the cap; a uniform sample of one level.
            let (parentTile, parentIDs) = try await render(zoom: 11, x: parentX, y: parentY)
            #expect(parentTile.thinned && parentTile.level > 0)
            #expect(!parentIDs.isEmpty && parentIDs.count <= Self.cap, "\(parentIDs.count) features")
            #expect(parentIDs == (try await expected(zoom: 11, x: parentX, y: parentY, level: parentTile.level)))

            // Each zoom-12 quarter: about 400 points, thinned less deeply; every point the zoom-11 tile
            // showed inside the quarter is shown again (the tiles nest).
            for (dx, dy) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
                let (x, y) = (parentX * 2 + dx, parentY * 2 + dy)
                let (tile, ids) = try await render(zoom: 12, x: x, y: y)
                #expect(tile.thinned && tile.level > 0 && tile.level <= parentTile.level, "level \(tile.level) under \(parentTile.level)")
                #expect(ids.count <= Self.cap, "\(ids.count) features")
                #expect(ids == (try await expected(zoom: 12, x: x, y: y, level: tile.level)))
                let quarter = Self.degrees(zoom: 12, x: x, y: y)
                let shownAbove = dense.filter {
                    parentIDs.contains($0.id) && $0.lon > quarter.0 && $0.lon < quarter.2 && $0.lat > quarter.1 && $0.lat < quarter.3
                }
                #expect(!shownAbove.isEmpty)
                #expect(Set(shownAbove.map(\.id)).isSubset(of: ids), "missing at zoom 12: \(Set(shownAbove.map(\.id)).subtracting(ids))")
            }

            // A sparse tile at the same zoom keeps every feature, unthinned.
            let (sparseTile, sparseIDs) = try await render(zoom: 12, x: sparseX, y: sparseY)
            #expect(!sparseTile.thinned && sparseTile.level == 0)
            #expect(sparseIDs == Set(sparse.map(\.id)))

            // After a run of sparse tiles at a zoom, the next one there is read at level 0 without the
            // density probe; a dense one after them costs a read more and is thinned all the same.
            let (emptyX, emptyY) = VectorTileTests.tile(containing: 100.0, 40.0, zoom: 12)
            for column in emptyX..<(emptyX + store.hints.streak) {
                #expect(try await render(zoom: 12, x: column, y: emptyY).tile.probed)
            }
            let (hinted, hintedIDs) = try await render(zoom: 12, x: emptyX - 1, y: emptyY)
            #expect(!hinted.probed && hinted.level == 0 && hintedIDs.isEmpty)
            let (denseQuarter, denseIDs) = try await render(zoom: 12, x: parentX * 2, y: parentY * 2)
            #expect(denseQuarter.probed && denseQuarter.level > 0 && denseIDs.count <= Self.cap)
            #expect(denseIDs == (try await expected(zoom: 12, x: parentX * 2, y: parentY * 2, level: denseQuarter.level)))
            #expect(try await render(zoom: 12, x: emptyX - 2, y: emptyY).tile.probed, "the dense tile ended the streak")

            // A filter thins what passes it (nine in ten points, still over the cap at zoom 11): the
            // tile is the level's sample of the features that pass.
            let filtered = try TileRequest(
                [("filter", "name LIKE 'd%' AND NOT (name LIKE '%1')")], collection: collection, limits: QueryLimits())
            let filteredTile = try await store.tile(
                collection, filtered, at: try TileAddress(.webMercatorQuad, zoom: 11, column: parentX, row: parentY))
            let file = directory.appendingPathComponent("filtered.mvt")
            try Data(filteredTile.data.readableBytesView).write(to: file)
            let filteredIDs = Set(try await VectorTileTests.decode(file.path).features.keys)
            #expect(filteredTile.thinned && filteredIDs.count <= Self.cap && !filteredIDs.isEmpty)
            #expect(filteredIDs.allSatisfy { !$0.hasSuffix("1") })
            let passing = try await expected(zoom: 11, x: parentX, y: parentY, level: filteredTile.level).filter {
                !$0.hasSuffix("1") && $0.hasPrefix("d")
            }
            #expect(filteredIDs == passing)
        }
    }
}

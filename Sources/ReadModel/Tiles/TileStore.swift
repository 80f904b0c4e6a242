import Database
import Foundation
import Logging
import PostgresNIO

/// Vector tiles of the read model's collections: rendered by PostGIS from the collection's
/// ``ReadPlan`` (``TileStatement``) and kept in a ``TileCache`` that the projections' change
/// notices keep fresh.
public struct TileStore: Sendable {
    public let features: FeatureStore
    public let cache: TileCache
    public let limits: TileLimits
    public let hints: TileDensityHints

    public init(features: FeatureStore, cache: TileCache, limits: TileLimits = TileLimits(), hints: TileDensityHints = TileDensityHints()) {
        self.features = features
        self.cache = cache
        self.limits = limits
        self.hints = hints
    }

    /// A rendered tile: its bytes (empty: no feature there), the thinning level it holds
    /// (``TileStatement``), and whether it came from the cache.
    public struct Tile: Sendable {
        public var data: ByteBuffer
        /// The thinning level the tile holds (0: every feature).
        public var level = 0
        public var cached: Bool
        /// Whether the density of the tile's area was probed to choose its level (a render that
        /// ``TileDensityHints`` expected to be sparse reads level 0 first).
        public var probed = false
        /// Whether features of the tile's area were left out (level 0 holds them all).
        public var thinned: Bool { level > 0 }
    }

    /// The tile at `address` of `collection` for `request`, as ``Caller/current`` may see it: the
    /// cache is keyed by the caller's clearance when the collection's features carry levels.
    public func tile(_ collection: ServedCollection, _ request: TileRequest, at address: TileAddress) async throws -> Tile {
        let key = TileCache.Key(
            collection: collection.id, matrixSet: address.matrixSet.id, zoom: address.zoom, column: address.column, row: address.row,
            parameters: request.canonical, principal: FeatureClassification.cacheKey(collection))
        let kind = TileDensityHints.Kind(key)
        return try await render(key, kind: collection.kind, asOf: request.items.asOf, address: address) {
            try await thinned(collection, request, at: address, kind: kind)
        }
    }

    /// The basemap tile at `address`: the gazetteer's boundaries and names (``BasemapStatement``).
    public func basemap(at address: TileAddress) async throws -> Tile {
        let key = TileCache.Key(
            collection: BasemapStatement.name, matrixSet: address.matrixSet.id, zoom: address.zoom, column: address.column, row: address.row,
            parameters: "", principal: "")
        return try await render(key, kind: BasemapStatement.kind, asOf: nil, address: address) {
            var data = ByteBuffer()
            for try await (tile, _) in try await features.client.query(BasemapStatement.make(address, limits: limits), logger: features.logger)
                .decode((ByteBuffer?, Bool?).self)
            {
                data = tile ?? ByteBuffer()
            }
            return Tile(data: data, cached: false)
        }
    }

    /// Renders a collection's tile: level 0 when recent tiles of its kind were sparse and it holds
    /// at most the cap; else the level its density calls for, then the next one while the level
    /// read holds more than the cap (the estimate was low), up to the deepest.
    private func thinned(_ collection: ServedCollection, _ request: TileRequest, at address: TileAddress, kind: TileDensityHints.Kind)
        async throws -> Tile
    {
        let cap = limits.maximumFeatures
        if hints.expectsSparse(kind) {
            let (data, count) = try await read(collection, request, at: address, level: 0, final: false)
            hints.record(kind, level: 0, count: count, cap: cap)
            if count <= cap { return Tile(data: data, level: 0, cached: false) }
        }
        var counts: [Int?] = []
        let density = try TileStatement.density(collection, request, address, limits: limits)
        for try await row in try await features.client.query(density, logger: features.logger)
            .decode((Int?, Int?, Int?, Int?, Int?, Int?, Int?, Int?).self)
        {
            counts = [row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7]
        }
        var level = TileStatement.level(counts: counts, limits: limits)
        while true {
            let final = level >= Migrations.deepestThinLevel
            let (data, count) = try await read(collection, request, at: address, level: level, final: final)
            if count <= cap || final {
                hints.record(kind, level: level, count: count, cap: cap)
                return Tile(data: data, level: level, cached: false, probed: true)
            }
            level += 1
        }
    }

    /// The tile at thinning `level` (empty when over the cap and not `final`), and how many
    /// features the level holds there, up to the cap and one.
    private func read(_ collection: ServedCollection, _ request: TileRequest, at address: TileAddress, level: Int, final: Bool)
        async throws -> (ByteBuffer, Int)
    {
        let query = try TileStatement.make(collection, request, address, limits: limits, level: level, final: final)
        var data: ByteBuffer?
        var count = 0
        for try await (tile, rows) in try await features.client.query(query, logger: features.logger).decode((ByteBuffer?, Int).self) {
            data = tile
            count = rows
        }
        return (data ?? ByteBuffer(), count)
    }

    private func render(_ key: TileCache.Key, kind: SourceKind, asOf: Date?, address: TileAddress, draw: () async throws -> Tile)
        async throws -> Tile
    {
        if let entry = cache.tile(key) { return Tile(data: entry.tile, level: entry.level, cached: true) }
        let generation = cache.generation
        var tile = Tile(data: ByteBuffer(), cached: false)
        try await features.evaluating { tile = try await draw() }
        let area = address.matrixSet.degrees(zoom: address.zoom, column: address.column, row: address.row, margin: limits.margin)
        cache.insert(key, TileCache.Entry(tile: tile.data, level: tile.level, kind: kind, area: area, asOf: asOf), renderedFrom: generation)
        return tile
    }
}

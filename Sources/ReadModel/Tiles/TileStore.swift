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

    public init(features: FeatureStore, cache: TileCache, limits: TileLimits = TileLimits()) {
        self.features = features
        self.cache = cache
        self.limits = limits
    }

    /// A rendered tile: its bytes (empty: no feature there), whether it was thinned and whether it
    /// came from the cache.
    public struct Tile: Sendable {
        public var data: ByteBuffer
        public var thinned: Bool
        public var cached: Bool
    }

    /// The tile at `address` of `collection` for `request`, as ``Caller/current`` may see it: the
    /// cache is keyed by the caller's clearance when the collection's features carry levels.
    public func tile(_ collection: ServedCollection, _ request: TileRequest, at address: TileAddress) async throws -> Tile {
        let key = TileCache.Key(
            collection: collection.id, matrixSet: address.matrixSet.id, zoom: address.zoom, column: address.column, row: address.row,
            parameters: request.canonical, principal: FeatureClassification.cacheKey(collection))
        return try await render(key, kind: collection.kind, asOf: request.items.asOf, address: address) {
            try TileStatement.make(collection, request, address, limits: limits)
        }
    }

    /// The basemap tile at `address`: the gazetteer's boundaries and names (``BasemapStatement``).
    public func basemap(at address: TileAddress) async throws -> Tile {
        let key = TileCache.Key(
            collection: BasemapStatement.name, matrixSet: address.matrixSet.id, zoom: address.zoom, column: address.column, row: address.row,
            parameters: "", principal: "")
        return try await render(key, kind: BasemapStatement.kind, asOf: nil, address: address) { BasemapStatement.make(address, limits: limits) }
    }

    private func render(_ key: TileCache.Key, kind: SourceKind, asOf: Date?, address: TileAddress, statement: () throws -> PostgresQuery)
        async throws -> Tile
    {
        if let entry = cache.tile(key) { return Tile(data: entry.tile, thinned: entry.thinned, cached: true) }
        let generation = cache.generation
        let query = try statement()
        var data = ByteBuffer()
        var thinned = false
        try await features.evaluating {
            for try await (tile, over) in try await features.client.query(query, logger: features.logger).decode((ByteBuffer?, Bool?).self) {
                data = tile ?? ByteBuffer()
                thinned = over ?? false
            }
        }
        let area = address.matrixSet.degrees(zoom: address.zoom, column: address.column, row: address.row, margin: limits.margin)
        cache.insert(key, TileCache.Entry(tile: data, thinned: thinned, kind: kind, area: area, asOf: asOf), renderedFrom: generation)
        return Tile(data: data, thinned: thinned, cached: false)
    }
}

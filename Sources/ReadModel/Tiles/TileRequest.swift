import Foundation

/// The query parameters of a vector tile (`/collections/{c}/tiles/{tms}/{z}/{x}/{y}`), validated
/// against one collection: `datetime`, `as_of`, `filter` (with `filter-lang`, `filter-crs`),
/// `properties` and `name=value` filters on queryables, exactly as items take them. Paging, `bbox`,
/// `crs` and `sortby` have no meaning for a tile and are refused.
public struct TileRequest: Sendable {
    /// Items parameters a tile does not take.
    public static let refused: Set<String> = ["bbox", "bbox-crs", "limit", "offset", "after", "crs", "sortby", "skipGeometry"]

    /// The read the tile renders (its bbox is the tile's).
    public let items: ItemRequest
    /// The parameters in a canonical order: part of the cache key.
    public let canonical: String

    public init(_ parameters: [(String, String)], collection: ServedCollection, limits: QueryLimits) throws {
        if let name = parameters.first(where: { Self.refused.contains($0.0) })?.0 {
            throw FeatureStoreError(
                .badRequest, "a tile does not take \(name); it takes datetime, as_of, filter, filter-lang, filter-crs, properties and property=value")
        }
        let kept = parameters.filter { $0.0 != "f" }
        items = try ItemRequest(kept, collection: collection, limits: limits)
        canonical = kept.sorted { $0.0 == $1.0 ? $0.1 < $1.1 : $0.0 < $1.0 }.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }
}

/// How tiles are cut and generalised (`shikong serve --max-tile-features`, …).
public struct TileLimits: Sendable, Hashable {
    /// Tile coordinate space: 4096 units a side (the MVT default).
    public var extent = 4096
    /// Units drawn beyond each edge, so lines and symbols continue across tile borders.
    public var buffer = 64
    /// Most features in one tile. A tile that would hold more is thinned: it holds the features of
    /// the smallest thinning level within the cap (see ``TileStatement``).
    public var maximumFeatures = 10_000
    /// Below this zoom, lines and polygons are simplified to half a display pixel (256 px tiles)
    /// and those that collapse are dropped.
    public var fullDetailZoom = 14
    /// Bytes of tiles the in-memory cache keeps.
    public var cacheBytes = 256 << 20

    public init() {}

    /// The count at a sparse thinning level that a tile's density is estimated from (a sixty-fourth
    /// of the cap: a few percent of the tile's work, within about 8 % at the default cap).
    public var densityThreshold: Int { max(4, maximumFeatures / 64) }

    /// The selection margin, in tile widths.
    public var margin: Double { Double(buffer) / Double(extent) }
}

/// One tile's address in a tile matrix set.
public struct TileAddress: Sendable, Hashable {
    public var matrixSet: TileMatrixSet
    public var zoom: Int
    public var column: Int
    public var row: Int

    public init(_ matrixSet: TileMatrixSet, zoom: Int, column: Int, row: Int) throws(FeatureStoreError) {
        try matrixSet.validate(zoom: zoom, column: column, row: row)
        self.matrixSet = matrixSet
        self.zoom = zoom
        self.column = column
        self.row = row
    }
}

import Foundation
import GeoVocabulary

/// A tile matrix set (OGC Two Dimensional Tile Matrix Set 2.0): how a zoom level and a tile's
/// column and row become a rectangle in the set's CRS. Two are served: `WebMercatorQuad` (EPSG:3857,
/// what web maps draw) and `CGCS2000Quad` (EPSG:4490 longitude/latitude, 2 × 1 tiles at zoom 0, like
/// WorldCRS84Quad; the layout of 天地图's geographic tiles), where tiles need no reprojection at all.
public struct TileMatrixSet: Sendable, Hashable {
    public enum Layout: Sendable, Hashable {
        /// Square Web Mercator tiles, one at zoom 0.
        case webMercator
        /// Geographic degrees, two tiles side by side at zoom 0 (180° each).
        case geographic
    }

    public let id: String
    public let title: String
    /// The CRS URI of the tile coordinates.
    public let crs: String
    /// The SRID PostGIS knows the tile coordinates by.
    public let srid: Int
    public let layout: Layout
    /// The deepest zoom level served.
    public let maximumZoom: Int

    public static let webMercatorQuad = TileMatrixSet(
        id: "WebMercatorQuad", title: "Google Maps Compatible for the World (EPSG:3857)", crs: "http://www.opengis.net/def/crs/EPSG/0/3857",
        srid: 3857, layout: .webMercator, maximumZoom: 24)
    public static let cgcs2000Quad = TileMatrixSet(
        id: "CGCS2000Quad", title: "CGCS2000 geographic quad (EPSG:4490, 2 × 1 tiles at zoom 0)", crs: "http://www.opengis.net/def/crs/EPSG/0/4490",
        srid: 4490, layout: .geographic, maximumZoom: 22)

    /// Every set served, in the order `/tileMatrixSets` lists them.
    public static let all = [webMercatorQuad, cgcs2000Quad]

    /// The set `id`, or a 404 naming the ones there are.
    public static func named(_ id: String) throws(FeatureStoreError) -> TileMatrixSet {
        guard let found = all.first(where: { $0.id == id }) else {
            throw FeatureStoreError(.notFound, "no tile matrix set \(id); GET /tileMatrixSets lists \(all.map(\.id).joined(separator: ", "))")
        }
        return found
    }

    /// Half the Web Mercator world's width, in metres.
    static let mercatorHalfWidth = 20_037_508.342_789_244

    /// Columns at `zoom`.
    public func matrixWidth(_ zoom: Int) -> Int { layout == .webMercator ? 1 << zoom : 2 << zoom }
    /// Rows at `zoom`.
    public func matrixHeight(_ zoom: Int) -> Int { 1 << zoom }

    /// Checks a tile's address; a 404 says what exists.
    public func validate(zoom: Int, column: Int, row: Int) throws(FeatureStoreError) {
        guard (0...maximumZoom).contains(zoom) else {
            throw FeatureStoreError(.notFound, "\(id) has zoom levels 0 to \(maximumZoom), not \(zoom)")
        }
        guard (0..<matrixWidth(zoom)).contains(column), (0..<matrixHeight(zoom)).contains(row) else {
            throw FeatureStoreError(
                .notFound,
                "zoom \(zoom) of \(id) has columns 0–\(matrixWidth(zoom) - 1) and rows 0–\(matrixHeight(zoom) - 1); no tile \(column)/\(row)")
        }
    }

    /// The tile's rectangle in the set's CRS (metres for Web Mercator, degrees for CGCS2000), with
    /// `margin` tile widths added on every side.
    public func bounds(zoom: Int, column: Int, row: Int, margin: Double = 0) -> BoundingBox {
        switch layout {
        case .webMercator:
            let size = 2 * Self.mercatorHalfWidth / Double(1 << zoom)
            let west = -Self.mercatorHalfWidth + Double(column) * size
            let north = Self.mercatorHalfWidth - Double(row) * size
            return BoundingBox(
                west: west - margin * size, south: north - size - margin * size, east: west + size + margin * size, north: north + margin * size)
        case .geographic:
            let size = 180 / Double(1 << zoom)
            let west = -180 + Double(column) * size
            let north = 90 - Double(row) * size
            return BoundingBox(
                west: west - margin * size, south: north - size - margin * size, east: west + size + margin * size, north: north + margin * size)
        }
    }

    /// The tile's rectangle in longitude/latitude degrees (EPSG:4490), with `margin` tile widths on
    /// every side, clamped to the world: what a read selects features by.
    public func degrees(zoom: Int, column: Int, row: Int, margin: Double = 0) -> BoundingBox {
        let box = bounds(zoom: zoom, column: column, row: row, margin: margin)
        switch layout {
        case .webMercator:
            return BoundingBox(
                west: max(-180, Self.longitude(box.west)), south: max(-90, Self.latitude(box.south)), east: min(180, Self.longitude(box.east)),
                north: min(90, Self.latitude(box.north)))
        case .geographic:
            return BoundingBox(west: max(-180, box.west), south: max(-90, box.south), east: min(180, box.east), north: min(90, box.north))
        }
    }

    /// The width of one tile in degrees of longitude at `zoom` (the unit generalisation works in).
    public func tileWidthDegrees(_ zoom: Int) -> Double {
        layout == .webMercator ? 360 / Double(1 << zoom) : 180 / Double(1 << zoom)
    }

    static func longitude(_ x: Double) -> Double { x / mercatorHalfWidth * 180 }
    static func latitude(_ y: Double) -> Double { atan(sinh(y / mercatorHalfWidth * .pi)) * 180 / .pi }
}

import Foundation
import GeoVocabulary
import PostgresNIO

/// The SQL of a vector tile: the collection's read (``ReadPlan``: its source relation at the
/// request's times, the property filters and CQL2 filter) restricted to the tile's area, cut,
/// generalised and encoded by PostGIS (`ST_AsMVTGeom`, `ST_AsMVT`), so a tile is filtered exactly
/// where items are, except within a tile unit of the buffer's edge (`&&` compares single-precision
/// boxes, and points are snapped to the grid before the clip). One row: the tile (`bytea`, NULL
/// when empty) and whether it was thinned.
///
/// Generalisation: below ``TileLimits/fullDetailZoom`` lines and polygons are simplified to half a
/// display pixel and dropped when they collapse; `ST_AsMVTGeom` snaps every vertex to the tile's
/// 4096-unit grid. A tile whose area holds more than ``TileLimits/maximumFeatures`` features is
/// cut into ``TileLimits/cells``² squares, each keeping the first `maximumFeatures / cells²` features
/// the spatial index finds there; the rest are left out of that tile (not of deeper zooms, where
/// tiles are smaller), and the response says the tile was thinned.
public enum TileStatement {
    public static func make(_ collection: ServedCollection, _ request: TileRequest, _ tile: TileAddress, limits: TileLimits) throws
        -> PostgresQuery
    {
        var plan = try ReadPlan(collection, request.items)
        let relation = plan.relation
        let area = tile.matrixSet.degrees(zoom: tile.zoom, column: tile.column, row: tile.row, margin: limits.margin)
        var builder = plan.builder
        let inArea = "geom && \(envelope(area, builder: &builder))"
        let geometry = self.geometry(tile: tile, limits: limits, builder: &builder)
        let selected = properties(relation, request: request, builder: &builder)
        plan.builder = builder
        plan.conditions.append(inArea)
        let cap = limits.maximumFeatures
        let cells = self.cells(tile, area: area, limits: limits)
        let perCell = max(1, cap / cells.count)
        // The tile geometry is computed where the rows are read: above a lateral join PostGIS
        // re-creates its coordinate transformation for every row (measured: 1.5 ms a point).
        let select = "SELECT \(relation.key)::text AS id, \(geometry) AS geom, \(selected) AS p FROM \(plan.from)"
        let conditions = plan.conditions.joined(separator: " AND ")
        // Counting stops at cap + 1; the features are read again only when the tile is not thinned.
        let sql = """
            WITH counted AS (
                SELECT count(*) > \(plan.builder.bind(cap)) AS over FROM (SELECT 1 FROM \(plan.from) WHERE \(conditions) LIMIT \(plan.builder.bind(cap + 1))) AS c
            ),
            chosen AS (
                \(select) WHERE \(conditions) AND NOT (SELECT over FROM counted)
                UNION ALL
                SELECT DISTINCT ON (id) id, geom, p FROM (
                    SELECT picked.* FROM unnest(\(plan.builder.bind(cells.map(\.west)))::float8[], \(plan.builder.bind(cells.map(\.south)))::float8[],
                        \(plan.builder.bind(cells.map(\.east)))::float8[], \(plan.builder.bind(cells.map(\.north)))::float8[]) AS cell(w, s, e, n)
                    CROSS JOIN LATERAL (
                        \(select) WHERE \(conditions) AND geom && ST_MakeEnvelope(cell.w, cell.s, cell.e, cell.n, 4490)
                        LIMIT \(plan.builder.bind(perCell))
                    ) AS picked
                ) AS cells WHERE (SELECT over FROM counted)
            )
            SELECT (SELECT ST_AsMVT(t, \(plan.builder.bind(collection.id)), \(limits.extent), 'geom') FROM chosen AS t),
                   (SELECT over FROM counted)
            """
        return plan.builder.query(sql)
    }

    /// The geometry in tile coordinates.
    static func geometry(tile: TileAddress, limits: TileLimits, builder: inout SQLBuilder) -> String {
        var geometry = "geom"
        if tile.zoom < limits.fullDetailZoom {
            let tolerance = tile.matrixSet.tileWidthDegrees(tile.zoom) / 512
            geometry = "CASE WHEN ST_Dimension(geom) = 0 THEN geom ELSE ST_Simplify(geom, \(builder.bind(tolerance))::float8, false) END"
        }
        // CGCS2000 and WGS 84 differ by centimetres: far below a tile unit at any zoom served.
        let projected = tile.matrixSet.layout == .webMercator ? "ST_Transform(ST_SetSRID(\(geometry), 4326), 3857)" : geometry
        let bounds = tile.matrixSet.bounds(zoom: tile.zoom, column: tile.column, row: tile.row)
        let envelope =
            "ST_MakeEnvelope(\(builder.bind(bounds.west))::float8, \(builder.bind(bounds.south))::float8, \(builder.bind(bounds.east))::float8, \(builder.bind(bounds.north))::float8, \(tile.matrixSet.srid))"
        return "ST_AsMVTGeom(\(projected), \(envelope), \(limits.extent), \(limits.buffer), true)"
    }

    /// The feature's properties as `jsonb` (flattened like exports, so sensor values are attributes
    /// of their own), without `id`, which the feature's id stands for.
    static func properties(_ relation: SourceRelation, request: TileRequest, builder: inout SQLBuilder) -> String {
        let properties = relation.exportProperties
        guard let selection = request.items.properties else { return "(\(properties)) - 'id'" }
        return
            "(SELECT coalesce(jsonb_object_agg(key, value), '{}'::jsonb) FROM jsonb_each(\(properties)) WHERE key = ANY(\(builder.bind(selection.names))::text[]) AND key <> 'id')"
    }

    static func envelope(_ box: BoundingBox, builder: inout SQLBuilder) -> String {
        "ST_MakeEnvelope(\(builder.bind(box.west))::float8, \(builder.bind(box.south))::float8, \(builder.bind(box.east))::float8, \(builder.bind(box.north))::float8, 4490)"
    }

    /// The thinning squares in degrees: equal in the tile matrix set's own coordinates.
    static func cells(_ tile: TileAddress, area: BoundingBox, limits: TileLimits) -> [BoundingBox] {
        let set = tile.matrixSet
        // Sub-tiles of a deeper zoom are exactly the squares of this tile (so `cells` is a power of two).
        let shift = max(0, Int(log2(Double(max(1, limits.cells))).rounded(.down)))
        let count = 1 << shift
        guard tile.zoom + shift <= 30 else { return [area] }
        var cells: [BoundingBox] = []
        cells.reserveCapacity(count * count)
        for row in 0..<count {
            for column in 0..<count {
                cells.append(
                    set.degrees(zoom: tile.zoom + shift, column: (tile.column << shift) + column, row: (tile.row << shift) + row))
            }
        }
        return cells
    }
}

import Database
import Foundation
import GeoVocabulary
import PostgresNIO

/// The SQL of a vector tile: the collection's read (``ReadPlan``: its source relation at the
/// request's times, the property filters, the CQL2 filter and the caller's clearance) restricted to
/// the tile's area, cut, generalised and encoded by PostGIS (`ST_AsMVTGeom`, `ST_AsMVT`), so a tile
/// is filtered exactly where items are, except within a tile unit of the buffer's edge (`&&`
/// compares single-precision boxes, and points are snapped to the grid before the clip).
///
/// Generalisation: below ``TileLimits/fullDetailZoom`` lines and polygons are simplified to half a
/// display pixel and dropped when they collapse; `ST_AsMVTGeom` snaps every vertex to the tile's
/// 4096-unit grid.
///
/// Thinning: every feature has a level from a hash of its id (`shikong_thin_level`, migration 23),
/// level ≥ k with probability 4^-k. A tile holds the features of the smallest level `k` at which
/// its area has at most ``TileLimits/maximumFeatures`` of them (those that pass the read's filters):
/// level 0, every feature, when it is under the cap (exact, as `/items?bbox=` returns them);
/// otherwise a uniform sample of one feature in 4^k, the same features at every zoom from the one
/// where they appear, so tiles nest and do not flicker. What is dropped is dropped evenly, not by
/// place: a thinned tile keeps the relative density of its area (a sparse part of it is thinned as
/// much as a dense one), and each zoom in brings back three quarters of what was left out. A tile
/// so dense that level 7 (1 in 16,384) is still over the cap keeps the first features its index
/// finds.
///
/// The level is chosen in two statements: ``density(_:_:_:limits:)`` counts the area's features at
/// the sparsest levels first, through the partial indexes of those levels (entity tables), until
/// a count reaches ``TileLimits/densityThreshold`` and estimates the whole from it; or, where the
/// relation has no such indexes, counts every level exactly in one pass. Then
/// ``make(_:_:_:limits:level:final:)`` reads that level (at most the cap and one more row); over
/// the cap, the next level is read (``TileStore``).
public enum TileStatement {
    /// The features of the tile at thinning `level` (0: all), at most `maximumFeatures + 1` of them.
    /// One row: the tile (`bytea`, NULL when empty or when over the cap and not `final`) and how many
    /// features the level holds there, up to the cap and one.
    public static func make(
        _ collection: ServedCollection, _ request: TileRequest, _ tile: TileAddress, limits: TileLimits, level: Int, final: Bool = false
    ) throws -> PostgresQuery {
        var read = try Read(collection, request, tile, limits: limits)
        let geometry = self.geometry(tile: tile, limits: limits, builder: &read.plan.builder)
        let selected = properties(read.plan.relation, request: request, builder: &read.plan.builder)
        let cap = limits.maximumFeatures
        // Read once (materialised) with the tile geometry computed where the rows are read, then
        // counted and encoded: one more row than the cap tells the caller to read the next level.
        let sql = """
            WITH chosen AS MATERIALIZED (
                SELECT \(read.plan.relation.key)::text AS id, \(geometry) AS geom, \(selected) AS p FROM \(read.plan.from)
                WHERE \(read.conditions(level: level)) LIMIT \(read.plan.builder.bind(cap + 1))
            ),
            counted AS (SELECT count(*)::int AS n FROM chosen)
            SELECT (SELECT ST_AsMVT(t, \(read.plan.builder.bind(collection.id)), \(limits.extent), 'geom')
                    FROM (SELECT * FROM chosen LIMIT \(read.plan.builder.bind(cap))) AS t
                    WHERE (SELECT n FROM counted) <= \(read.plan.builder.bind(cap)) OR \(read.plan.builder.bind(final))),
                   (SELECT n FROM counted)
            """
        return read.plan.builder.query(sql)
    }

    /// How many features the tile's area holds at each thinning level: one row of eight nullable
    /// integers, for levels 0 … 7. Through level indexes: levels 7, 5, 3 and 1, each counted (at
    /// most the cap and one) only while the one before stayed under ``TileLimits/densityThreshold``
    /// (so it holds under 16 × the threshold); the others are not counted. Every other level, not
    /// each: a chain of seven costs PostgreSQL 4–5 ms to plan, one of four under 2 ms. Without level
    /// indexes: every level exactly, in one pass over the area.
    public static func density(_ collection: ServedCollection, _ request: TileRequest, _ tile: TileAddress, limits: TileLimits) throws
        -> PostgresQuery
    {
        var read = try Read(collection, request, tile, limits: limits)
        let deepest = Migrations.deepestThinLevel
        guard read.plan.relation.levelIndexed else {
            let counts = (0...deepest).map { "(count(*) FILTER (WHERE level >= \($0)))::int" }.joined(separator: ", ")
            return read.plan.builder.query(
                "SELECT \(counts) FROM (SELECT \(read.level) AS level FROM \(read.plan.from) WHERE \(read.conditions(level: 0))) AS area")
        }
        let limit = read.plan.builder.bind(limits.maximumFeatures + 1)
        let threshold = read.plan.builder.bind(limits.densityThreshold)
        func count(_ level: Int) -> String {
            "(SELECT count(*)::int FROM (SELECT 1 FROM \(read.plan.from) WHERE \(read.conditions(level: level)) LIMIT \(limit)) AS c)"
        }
        // A CASE evaluates its subquery only when taken: the denser levels are not read once a
        // sparser one was dense enough to estimate from.
        let probed = Array(stride(from: deepest, through: 1, by: -2))
        var from = "(SELECT \(count(deepest)) AS n) AS l\(deepest)"
        for (previous, level) in zip(probed, probed.dropFirst()) {
            from += " CROSS JOIN LATERAL (SELECT CASE WHEN l\(previous).n < \(threshold) THEN \(count(level)) END AS n) AS l\(level)"
        }
        let columns = (0...deepest).map { probed.contains($0) ? "l\($0).n" : "NULL::int" }
        return read.plan.builder.query("SELECT \(columns.joined(separator: ", ")) FROM \(from)")
    }

    /// The level to read first from the counts of ``density(_:_:_:limits:)`` (index = level, `nil`
    /// = not counted): the smallest level with at most the cap, from exact counts when every level
    /// was counted; else estimated from the sparsest level whose count reached the threshold (its
    /// count × 4^level features in all); 0 when none did (level 1 held under the threshold: the
    /// area about 4 × as many, a sixteenth of the cap).
    public static func level(counts: [Int?], limits: TileLimits) -> Int {
        let cap = limits.maximumFeatures
        let exact = counts.compactMap { $0 }
        if exact.count == counts.count, !exact.isEmpty {
            return exact.firstIndex { $0 <= cap } ?? exact.count - 1
        }
        for level in stride(from: counts.count - 1, through: 1, by: -1) {
            guard let count = counts[level] else { continue }
            guard count >= limits.densityThreshold else { continue }
            let estimate = Double(count) * pow(4, Double(level))
            return (0...level).first { estimate / pow(4, Double($0)) <= Double(cap) } ?? level
        }
        return 0
    }

    /// The tile's read: the plan with the tile's area, and the level of each feature.
    struct Read {
        var plan: ReadPlan
        /// `shikong_thin_level` of the feature's id, as the level indexes are defined on it.
        let level: String

        init(_ collection: ServedCollection, _ request: TileRequest, _ tile: TileAddress, limits: TileLimits) throws {
            plan = try ReadPlan(collection, request.items)
            let area = tile.matrixSet.degrees(zoom: tile.zoom, column: tile.column, row: tile.row, margin: limits.margin)
            plan.conditions.append("geom && \(TileStatement.envelope(area, builder: &plan.builder))")
            let key = plan.relation.key
            level = plan.relation.levelIndexed ? "shikong_thin_level(\(key))" : "shikong_thin_level((\(key))::text)"
        }

        /// Every condition of the read, and the level's. The level is a literal: the planner proves
        /// a partial index's predicate from constants only. A number, not data.
        func conditions(level minimum: Int) -> String {
            (plan.conditions + (minimum > 0 ? ["\(level) >= \(minimum)"] : [])).joined(separator: " AND ")
        }
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
}

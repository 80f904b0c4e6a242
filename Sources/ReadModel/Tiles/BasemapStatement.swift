import PostgresNIO

/// The SQL of a basemap tile: the gazetteer's boundaries (`basemap_boundaries`) as two layers,
/// `boundaries` (polygons: `code`, `name`, `level` 1 province, 2 city, 3 county) and `labels` (a
/// point inside each, same attributes). What a zoom shows:
///
/// | zoom | boundaries | labels | geometry |
/// |---|---|---|---|
/// | 0–4 | provinces | provinces | simplified to 0.01° (about 1 km) |
/// | 5–6 | + cities | + cities | 0.01° |
/// | 7–9 | + counties | cities (counties from 8) | 0.001° |
/// | 10– | all | all | as loaded |
public enum BasemapStatement {
    /// The collection name tiles of the basemap are cached under.
    public static let name = "basemap"
    public static let kind = SourceKind(rawValue: "basemap")

    public static func make(_ tile: TileAddress, limits: TileLimits) -> PostgresQuery {
        var builder = SQLBuilder()
        let zoom = tile.zoom
        let area = TileStatement.envelope(
            tile.matrixSet.degrees(zoom: zoom, column: tile.column, row: tile.row, margin: limits.margin), builder: &builder)
        let detail = zoom < 7 ? "coalesce(coarse, geom)" : zoom < 10 ? "coalesce(medium, geom)" : "geom"
        let levels = zoom < 5 ? 1 : zoom < 7 ? 2 : 3
        let labelLevels = zoom < 5 ? 1 : zoom < 8 ? 2 : 3
        let bounds = tile.matrixSet.bounds(zoom: zoom, column: tile.column, row: tile.row)
        let envelope =
            "ST_MakeEnvelope(\(builder.bind(bounds.west))::float8, \(builder.bind(bounds.south))::float8, \(builder.bind(bounds.east))::float8, \(builder.bind(bounds.north))::float8, \(tile.matrixSet.srid))"
        func projected(_ geometry: String) -> String {
            tile.matrixSet.layout == .webMercator ? "ST_Transform(ST_SetSRID(\(geometry), 4326), 3857)" : geometry
        }
        let sql = """
            SELECT coalesce((SELECT ST_AsMVT(b, 'boundaries', \(limits.extent), 'geom') FROM (
                        SELECT ST_AsMVTGeom(\(projected(detail)), \(envelope), \(limits.extent), \(limits.buffer), true) AS geom, code, name, level
                        FROM basemap_boundaries WHERE geom && \(area) AND level <= \(builder.bind(levels))) AS b), ''::bytea)
                || coalesce((SELECT ST_AsMVT(l, 'labels', \(limits.extent), 'geom') FROM (
                        SELECT ST_AsMVTGeom(\(projected("label")), \(envelope), \(limits.extent), 0, true) AS geom, code, name, level
                        FROM basemap_boundaries WHERE label && \(area) AND level <= \(builder.bind(labelLevels))) AS l), ''::bytea),
                false
            """
        return builder.query(sql)
    }
}

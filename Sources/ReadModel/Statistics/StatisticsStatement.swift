import CQL2
import PostgresNIO

/// The SQL of a statistics request: the selected features (as an items request selects them) in a
/// subquery, grouped and aggregated by PostgreSQL, each row written as JSON text by PostgreSQL.
enum StatisticsStatement {
    static func make(_ collection: ServedCollection, _ request: StatisticsRequest, maximumRows: Int) throws -> PostgresQuery {
        var builder = SQLBuilder()
        let items = request.items
        let source = FeatureSource.make(collection, asOf: items.asOf, datetime: items.datetime, builder: &builder)
        let conditions = try ItemsStatement.conditions(collection, source: source, request: items, builder: &builder)
        var selected = "SELECT * FROM \(source.relation)"
        if !conditions.isEmpty { selected += " WHERE " + conditions.joined(separator: " AND ") }
        var from = "(\(selected)) AS f"
        var keys: [(name: String, sql: String)] = []
        var geometry: String?
        for group in request.groups {
            switch group {
            case .admin:
                let regions = builder.bind(request.regions ?? "")
                let index = keys.count
                from +=
                    " LEFT JOIN LATERAL (SELECT r.entity_id AS region_id, coalesce(r.properties->>'name', r.properties->>'名称', r.entity_id) AS region_name FROM entity_current r WHERE r.collection = \(regions) AND ST_Intersects(r.geom, ST_PointOnSurface(f.geom)) ORDER BY r.entity_id LIMIT 1) AS region ON true"
                keys.append(("region_id", "region.region_id"))
                keys.append(("region_name", "region.region_name"))
                if request.geometry {
                    geometry =
                        "(SELECT ST_AsGeoJSON(r.geom, 7)::json FROM entity_current r WHERE r.collection = \(regions) AND r.entity_id = g.k\(index))"
                }
            case .grid:
                let size = builder.bind(request.gridSize)
                keys.append(("cell_x", "floor(ST_X(ST_PointOnSurface(f.geom)) / \(size)::float8)::bigint"))
                keys.append(("cell_y", "floor(ST_Y(ST_PointOnSurface(f.geom)) / \(size)::float8)::bigint"))
                let index = keys.count - 2
                let cell =
                    "ST_MakeEnvelope(g.k\(index) * \(size)::float8, g.k\(index + 1) * \(size)::float8, (g.k\(index) + 1) * \(size)::float8, (g.k\(index + 1) + 1) * \(size)::float8, 4490)"
                if request.geometry && geometry == nil { geometry = "ST_AsGeoJSON(\(cell), 9)::json" }
                keys.append(("cell_bbox", "NULL"))
            case .property(let name):
                keys.append((name, collection.queryables[name]?.sqlExpression ?? "NULL"))
            }
        }
        if let bucket = request.timeBucket {
            let column = source.observedAt ?? "f.valid_from"
            keys.append(("time", "date_bin(\(builder.bind(bucket))::interval, \(column), '2000-01-01T00:00:00Z'::timestamptz)"))
        }
        // Grid cells are reported by their box, computed from the cell indexes after grouping.
        let grouped = keys.enumerated().filter { $0.element.name != "cell_bbox" }
        var inner = grouped.map { "\($0.element.sql) AS k\($0.offset)" }
        for (index, aggregate) in request.aggregates.enumerated() {
            let value = aggregate.property.flatMap { collection.queryables[$0]?.sqlExpression }
            inner.append("\(aggregate.function)(\(value ?? "*")) AS a\(index)")
        }
        var sql = "SELECT \(inner.joined(separator: ", ")) FROM \(from)"
        if !grouped.isEmpty { sql += " GROUP BY " + grouped.map { "k\($0.offset)" }.joined(separator: ", ") }
        var members: [String] = []
        for (index, key) in keys.enumerated() {
            if key.name == "cell_bbox" {
                let size = builder.bind(request.gridSize)
                let (x, y) = ("g.k\(index - 2)", "g.k\(index - 1)")
                members.append(
                    "\(builder.bind(key.name))::text, json_build_array(\(x) * \(size)::float8, \(y) * \(size)::float8, (\(x) + 1) * \(size)::float8, (\(y) + 1) * \(size)::float8)"
                )
            } else {
                members.append("\(builder.bind(key.name))::text, g.k\(index)")
            }
        }
        for (index, aggregate) in request.aggregates.enumerated() { members.append("\(builder.bind(aggregate.name))::text, g.a\(index)") }
        if let geometry { members.append("'geometry', \(geometry)") }
        let order = grouped.isEmpty ? "" : " ORDER BY " + grouped.map { "g.k\($0.offset)" }.joined(separator: ", ")
        let outer =
            "SELECT json_build_object(\(members.joined(separator: ", ")))::text FROM (\(sql)) AS g\(order) LIMIT \(builder.bind(maximumRows + 1))"
        return builder.query(outer)
    }
}

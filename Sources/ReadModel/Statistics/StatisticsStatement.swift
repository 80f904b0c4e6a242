import CQL2
import PostgresNIO

/// The SQL of a statistics request: the selected features (as an items request selects them) in a
/// subquery, grouped and aggregated by PostgreSQL, each row written as JSON text by PostgreSQL.
enum StatisticsStatement {
    /// `regions` is the collection `group_by=admin` groups by (its current state).
    static func make(_ collection: ServedCollection, _ request: StatisticsRequest, regions: ServedCollection?, maximumRows: Int) throws
        -> PostgresQuery
    {
        var plan = try ReadPlan(collection, request.items)
        var from = "(\(plan.select("*"))) AS f"
        var keys: [(name: String, sql: String)] = []
        var geometry: String?
        for group in request.groups {
            switch group {
            case .admin:
                guard let regions else { throw FeatureStoreError(.badRequest, "group_by=admin needs regions=<a collection of region polygons>") }
                // The regions' own plan, on the same bindings: its conditions hold in both subqueries below.
                let regionPlan = ReadPlan(regions, builder: plan.builder)
                plan.builder = regionPlan.builder
                let key = regionPlan.relation.key
                let properties = regionPlan.relation.properties
                let index = keys.count
                let inside = (regionPlan.conditions + ["ST_Intersects(geom, ST_PointOnSurface(f.geom))"]).joined(separator: " AND ")
                from +=
                    " LEFT JOIN LATERAL (SELECT \(key)::text AS region_id, coalesce((\(properties))->>'name', (\(properties))->>'名称', \(key)::text) AS region_name FROM \(regionPlan.from) WHERE \(inside) ORDER BY \(key) LIMIT 1) AS region ON true"
                keys.append(("region_id", "region.region_id"))
                keys.append(("region_name", "region.region_name"))
                if request.geometry {
                    let same = (regionPlan.conditions + ["\(key)::text = g.k\(index)"]).joined(separator: " AND ")
                    geometry = "(SELECT ST_AsGeoJSON(geom, 7)::json FROM \(regionPlan.from) WHERE \(same) LIMIT 1)"
                }
            case .grid:
                let size = plan.builder.bind(request.gridSize)
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
            // Binned on the zone's wall clock (2000-01-03 is a Monday, so weeks start on Mondays), then
            // back to an instant: a day of Beijing time is [00:00+08, 24:00+08), not [08:00, 08:00).
            let column = "f.\(plan.relation.bucketTime)"
            let zone = plan.builder.bind(request.timeZone)
            keys.append(
                (
                    "time",
                    "date_bin(\(plan.builder.bind(bucket))::interval, \(column) AT TIME ZONE \(zone)::text, '2000-01-03T00:00:00'::timestamp) AT TIME ZONE \(zone)::text"
                ))
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
                let size = plan.builder.bind(request.gridSize)
                let (x, y) = ("g.k\(index - 2)", "g.k\(index - 1)")
                members.append(
                    "\(plan.builder.bind(key.name))::text, json_build_array(\(x) * \(size)::float8, \(y) * \(size)::float8, (\(x) + 1) * \(size)::float8, (\(y) + 1) * \(size)::float8)"
                )
            } else if key.name == "time" {
                // RFC 3339: the instant in UTC, and the same instant on the zone's clock with its offset.
                let zone = plan.builder.bind(request.timeZone)
                let instant = "g.k\(index)"
                let offset = "extract(epoch FROM (\(instant) AT TIME ZONE \(zone)::text) - (\(instant) AT TIME ZONE 'UTC'))"
                members.append(
                    "'time'::text, to_char(\(instant) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')")
                members.append(
                    "'local_time'::text, to_char(\(instant) AT TIME ZONE \(zone)::text, 'YYYY-MM-DD\"T\"HH24:MI:SS') || CASE WHEN \(offset) = 0 THEN 'Z' WHEN \(offset) > 0 THEN '+' || to_char(make_interval(secs => \(offset)), 'HH24:MI') ELSE '-' || to_char(make_interval(secs => -\(offset)), 'HH24:MI') END"
                )
            } else {
                members.append("\(plan.builder.bind(key.name))::text, g.k\(index)")
            }
        }
        for (index, aggregate) in request.aggregates.enumerated() { members.append("\(plan.builder.bind(aggregate.name))::text, g.a\(index)") }
        if let geometry { members.append("'geometry', \(geometry)") }
        let order = grouped.isEmpty ? "" : " ORDER BY " + grouped.map { "g.k\($0.offset)" }.joined(separator: ", ")
        let outer =
            "SELECT json_build_object(\(members.joined(separator: ", ")))::text FROM (\(sql)) AS g\(order) LIMIT \(plan.builder.bind(maximumRows + 1))"
        return plan.builder.query(outer)
    }
}

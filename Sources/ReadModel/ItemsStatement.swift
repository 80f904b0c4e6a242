import CQL2
import Foundation
import PostgresNIO

/// The SQL of an items request: one statement whose rows are (key, feature as GeoJSON text), with
/// PostGIS writing the geometry and PostgreSQL the properties, so no feature is built in Swift.
public enum ItemsStatement {
    /// A page: `limit + 1` rows (the extra one says whether there is a next page).
    public static func page(_ collection: ServedCollection, _ request: ItemRequest) throws -> PostgresQuery {
        var plan = try ReadPlan(collection, request)
        let key = plan.relation.key
        let feature = featureText(plan.relation, request: request, builder: &plan.builder)
        if let after = request.after { plan.conditions.append("\(key) > \(plan.builder.bind(after))::\(plan.relation.keyType)") }
        var sql = plan.select("\(key)::text, \(feature)")
        sql += " ORDER BY " + (request.sortBy.map { "\($0.sql), \(key)" } ?? key)
        sql += " LIMIT \(plan.builder.bind(request.limit + 1))"
        if request.after == nil && request.offset > 0 { sql += " OFFSET \(plan.builder.bind(request.offset))" }
        return plan.builder.query(sql)
    }

    /// One feature by id, under the same `as_of`/`datetime`/`crs`/`properties` as a page.
    public static func single(_ collection: ServedCollection, id: String, _ request: ItemRequest) throws -> PostgresQuery? {
        var plan = ReadPlan(collection, time: SourceTime(asOf: request.asOf, datetime: request.datetime))
        let relation = plan.relation
        if relation.keyType == "uuid" && UUID(uuidString: id) == nil { return nil }
        let feature = featureText(relation, request: request, builder: &plan.builder)
        plan.conditions.append("\(relation.key) = \(plan.builder.bind(id))::\(relation.keyType)")
        return plan.builder.query(plan.select("\(relation.key)::text, \(feature)") + " LIMIT 1")
    }

    /// Rows for a file export: (key, ISO WKB in EPSG:4490, flattened properties as JSON text), in
    /// the request's order, at most `request.limit`.
    public static func export(_ collection: ServedCollection, _ request: ItemRequest) throws -> PostgresQuery {
        var plan = try ReadPlan(collection, request)
        let relation = plan.relation
        var sql = plan.select("\(relation.key)::text, ST_AsBinary(geom, 'NDR'), (\(relation.exportProperties))::text")
        sql += " ORDER BY " + (request.sortBy.map { "\($0.sql), \(relation.key)" } ?? relation.key)
        sql += " LIMIT \(plan.builder.bind(request.limit))"
        if request.offset > 0 { sql += " OFFSET \(plan.builder.bind(request.offset))" }
        return plan.builder.query(sql)
    }

    /// `{"type":"Feature","id":…,"geometry":…,"properties":…}` as text.
    static func featureText(_ relation: SourceRelation, request: ItemRequest, builder: inout SQLBuilder) -> String {
        var properties = relation.properties
        if let selection = request.properties {
            properties =
                "(SELECT coalesce(jsonb_object_agg(key, value), '{}'::jsonb) FROM jsonb_each(\(properties)) WHERE key = ANY(\(builder.bind(selection.names))::text[]))"
        }
        let geometry =
            request.skipGeometry ? "'null'" : "coalesce(ST_AsGeoJSON(\(request.crs.geometrySQL("geom")), \(relation.geometryDigits), 0), 'null')"
        return
            #"'{"type":"Feature","id":' || to_json(\#(relation.key)::text)::text || ',"geometry":' || \#(geometry) || ',"properties":' || (\#(properties))::text || '}'"#
    }
}

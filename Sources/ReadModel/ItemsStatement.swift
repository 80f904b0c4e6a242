import CQL2
import Foundation
import PostgresNIO

/// The SQL of an items request: one statement whose rows are (key, feature as GeoJSON text), with
/// PostGIS writing the geometry and PostgreSQL the properties, so no feature is built in Swift.
public enum ItemsStatement {
    /// A page: `limit + 1` rows (the extra one says whether there is a next page).
    public static func page(_ collection: ServedCollection, _ request: ItemRequest) throws -> PostgresQuery {
        var builder = SQLBuilder()
        let source = FeatureSource.make(collection, asOf: request.asOf, datetime: request.datetime, builder: &builder)
        let feature = featureText(collection, source: source, request: request, builder: &builder)
        var conditions = try self.conditions(collection, source: source, request: request, builder: &builder)
        if let after = request.after { conditions.append("\(source.key) > \(builder.bind(after))::\(source.keyType)") }
        var sql = "SELECT \(source.key)::text, \(feature) FROM \(source.relation)"
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += " ORDER BY " + (request.sortBy.map { "\($0.sql), \(source.key)" } ?? source.key)
        sql += " LIMIT \(builder.bind(request.limit + 1))"
        if request.after == nil && request.offset > 0 { sql += " OFFSET \(builder.bind(request.offset))" }
        return builder.query(sql)
    }

    /// One feature by id, under the same `as_of`/`datetime`/`crs`/`properties` as a page.
    public static func single(_ collection: ServedCollection, id: String, _ request: ItemRequest) throws -> PostgresQuery? {
        var builder = SQLBuilder()
        let source = FeatureSource.make(collection, asOf: request.asOf, datetime: request.datetime, builder: &builder)
        if source.keyType == "uuid" && UUID(uuidString: id) == nil { return nil }
        let feature = featureText(collection, source: source, request: request, builder: &builder)
        var conditions = source.conditions
        conditions.append("\(source.key) = \(builder.bind(id))::\(source.keyType)")
        return builder.query("SELECT \(source.key)::text, \(feature) FROM \(source.relation) WHERE \(conditions.joined(separator: " AND ")) LIMIT 1")
    }

    /// Rows for a file export: (key, ISO WKB in EPSG:4490, flattened properties as JSON text), in
    /// the request's order, at most `request.limit`.
    public static func export(_ collection: ServedCollection, _ request: ItemRequest) throws -> PostgresQuery {
        var builder = SQLBuilder()
        let source = FeatureSource.make(collection, asOf: request.asOf, datetime: request.datetime, builder: &builder)
        let conditions = try self.conditions(collection, source: source, request: request, builder: &builder)
        var sql = "SELECT \(source.key)::text, ST_AsBinary(geom, 'NDR'), (\(source.exportProperties))::text FROM \(source.relation)"
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += " ORDER BY " + (request.sortBy.map { "\($0.sql), \(source.key)" } ?? source.key)
        sql += " LIMIT \(builder.bind(request.limit))"
        if request.offset > 0 { sql += " OFFSET \(builder.bind(request.offset))" }
        return builder.query(sql)
    }

    /// The source's conditions, then bbox, datetime (sensors), property filters and the filter.
    static func conditions(_ collection: ServedCollection, source: FeatureSource, request: ItemRequest, builder: inout SQLBuilder) throws
        -> [String]
    {
        var conditions = source.conditions
        if let bbox = request.bbox {
            let translator = CQL2Translator(queryables: collection.queryables, filterCRS: request.bboxCRS.filterCRS)
            conditions.append(try translator.translate(.spatial(.intersects, .property("geometry"), .bbox(bbox)), into: &builder.binds))
        }
        if let datetime = request.datetime, let column = source.observedAt {
            if let start = datetime.startText { conditions.append("\(column) >= \(builder.bind(start))::timestamptz") }
            if let end = datetime.endText { conditions.append("\(column) <= \(builder.bind(end))::timestamptz") }
        }
        if let expression = request.propertyFilter {
            conditions.append(try CQL2Translator(queryables: collection.queryables).translate(expression, into: &builder.binds))
        }
        if let expression = request.filter {
            let translator = CQL2Translator(queryables: collection.queryables, filterCRS: request.filterCRS.filterCRS)
            conditions.append(try translator.translate(expression, into: &builder.binds))
        }
        return conditions
    }

    /// `{"type":"Feature","id":…,"geometry":…,"properties":…}` as text.
    static func featureText(_ collection: ServedCollection, source: FeatureSource, request: ItemRequest, builder: inout SQLBuilder) -> String {
        var properties = source.properties
        if let selection = request.properties {
            properties =
                "(SELECT coalesce(jsonb_object_agg(key, value), '{}'::jsonb) FROM jsonb_each(\(properties)) WHERE key = ANY(\(builder.bind(selection.names))::text[]))"
        }
        let geometry = request.skipGeometry ? "'null'" : "coalesce(ST_AsGeoJSON(\(request.crs.geometrySQL("geom")), 15, 0), 'null')"
        return
            #"'{"type":"Feature","id":' || to_json(\#(source.key)::text)::text || ',"geometry":' || \#(geometry) || ',"properties":' || (\#(properties))::text || '}'"#
    }
}

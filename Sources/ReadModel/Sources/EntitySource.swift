import CQL2
import Events
import Foundation
import PostgresNIO

/// Entity collections: versioned features from imports and edits. The current state comes from
/// `entity_current`; `as_of` (what the platform knew then) and `datetime` (what was valid then)
/// read `entity_versions`, bitemporally.
public struct EntitySource: CollectionSource {
    public let kind = SourceKind.entities
    public let capabilities = SourceCapabilities(systemTime: true, bitemporal: true, regions: true)
    public let discovery: PostgresQuery? = nil

    public init() {}

    public func schema(_ metadata: CollectionMetadata, discovered: [String]) -> SourceSchema {
        let fields = metadata.properties ?? []
        return SourceSchema(fields: fields, queryables: Self.queryables(fields), propertyNames: fields.map(\.name))
    }

    public func relation(_ collection: ServedCollection, time: SourceTime, builder: inout SQLBuilder) -> SourceRelation {
        let id = builder.bind(collection.id)
        guard time.asOf != nil || time.datetime != nil else {
            var current = SourceRelation(
                relation: "entity_current", conditions: ["collection = \(id)"], key: "entity_id", properties: "properties", bucketTime: "valid_from")
            current.levelIndexed = true
            return current
        }
        // What the platform knew at `as_of` (or now) about what was valid at `datetime` (or then).
        let known = time.asOf.map { builder.bind(Timestamp.format($0)) + "::timestamptz" } ?? "now()"
        var conditions = ["collection = \(id)", "NOT retired", "system @> \(known)"]
        var latestInInterval = false
        if let datetime = time.datetime, !datetime.isInstant {
            let start = datetime.startText.map { builder.bind($0) + "::timestamptz" } ?? "NULL"
            let end = datetime.endText.map { builder.bind($0) + "::timestamptz" } ?? "NULL"
            conditions.append("valid && tstzrange(\(start), \(end), '[]')")
            latestInInterval = true
        } else if let instant = time.datetime?.startText {
            conditions.append("valid @> \(builder.bind(instant))::timestamptz")
        } else {
            conditions.append("valid @> \(known)")
        }
        let columns = "entity_id, geom, properties, lower(valid) AS valid_from, lower(system) AS recorded_at"
        let selection = conditions.joined(separator: " AND ")
        // Several versions of one entity may fall in an interval: the latest valid one stands for it.
        let versions =
            latestInInterval
            ? "SELECT DISTINCT ON (entity_id) \(columns) FROM entity_versions WHERE \(selection) ORDER BY entity_id, lower(valid) DESC"
            : "SELECT \(columns) FROM entity_versions WHERE \(selection)"
        var history = SourceRelation(relation: "(\(versions)) AS versions", key: "entity_id", properties: "properties", bucketTime: "valid_from")
        history.levelIndexed = true
        return history
    }

    public func extentQuery(_ collection: ServedCollection) -> PostgresQuery {
        """
        SELECT ST_XMin(e)::float8, ST_YMin(e)::float8, ST_XMax(e)::float8, ST_YMax(e)::float8, lo, NULL::timestamptz
        FROM (SELECT ST_Extent(geom) AS e, min(valid_from) AS lo FROM entity_current WHERE collection = \(collection.id)) AS s
        """
    }

    /// A string as a SQL literal. Property names come from imported files, so they are quoted here
    /// and never pasted raw (standard_conforming_strings is on: only quotes need doubling).
    static func literal(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }

    static func queryables(_ fields: [CollectionProperty]) -> Queryables {
        var entries: [(String, Queryable)] = [("geometry", .geometry("geom", title: "Geometry (EPSG:4490)"))]
        for field in fields where field.name != "geometry" {
            let key = literal(field.name)
            let title = field.title
            let queryable: Queryable
            switch field.type {
            case "integer":
                queryable = .integer(
                    "(CASE jsonb_typeof(properties->\(key)) WHEN 'number' THEN (properties->\(key))::numeric::bigint END)", title: title)
            case "real", "number":
                queryable = .number("(CASE jsonb_typeof(properties->\(key)) WHEN 'number' THEN (properties->\(key))::float8 END)", title: title)
            case "boolean":
                queryable = .boolean("(CASE jsonb_typeof(properties->\(key)) WHEN 'boolean' THEN (properties->\(key))::boolean END)", title: title)
            case "date":
                queryable = .date(
                    #"(CASE WHEN properties->>\#(key) ~ '^\d{4}-\d{2}-\d{2}$' THEN (properties->>\#(key))::date END)"#, title: title)
            case "dateTime", "date-time", "datetime":
                queryable = .timestamp(
                    #"(CASE WHEN properties->>\#(key) ~ '^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}' THEN (properties->>\#(key))::timestamptz END)"#,
                    title: title)
            default:
                queryable = .string("(properties->>\(key))", title: title)
            }
            entries.append((field.name, queryable))
        }
        if !fields.contains(where: { $0.name == "valid_from" }) {
            entries.append(("valid_from", .timestamp("valid_from", nullable: false, title: "Valid from (valid time of this version)")))
        }
        return Queryables(entries)
    }
}

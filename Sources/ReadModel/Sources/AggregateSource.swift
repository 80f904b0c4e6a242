import CQL2
import Events
import PostgresNIO

/// The built-in `aggregates` collection: every window of every aggregation (`aggregate_windows`),
/// one feature per window, its id `<aggregation>:<key>:<window start>`. The current state is each
/// window's latest version; `as_of` (system time) shows the versions recorded by then — what a
/// window said before a late event corrected it. `datetime` filters the window's start.
public struct AggregateSource: CollectionSource {
    public let kind = SourceKind.aggregates
    public let capabilities = SourceCapabilities(systemTime: true)

    /// The figure names windows carry lately (`count`, `avg_pm25`, …), read from the newest windows.
    public let discovery: PostgresQuery? = """
        SELECT DISTINCT k FROM (
            SELECT jsonb_object_keys(properties) AS k FROM (SELECT properties FROM aggregate_windows ORDER BY event_id DESC LIMIT 500) AS newest
        ) AS names WHERE k ~ '^(count|sum|avg|min|max|stddev|p50|p95)(_.+)?$' ORDER BY k LIMIT 300
        """

    /// The groupings a window's key may have: each a string property of its own.
    static let keyParts = AggregationDefinition.Grouping.allCases.map(\.rawValue)

    public init() {}

    public func schema(_ metadata: CollectionMetadata, discovered: [String]) -> SourceSchema {
        var fields = [
            CollectionProperty(name: "aggregation", type: "string", title: "Aggregation"),
            CollectionProperty(name: "key", type: "string", title: "Key (grouping=value;…)"),
            CollectionProperty(name: "window_start", type: "dateTime", title: "Window start"),
            CollectionProperty(name: "window_end", type: "dateTime", title: "Window end"),
            CollectionProperty(name: "version", type: "integer", title: "Version (1, then one more per correction)"),
            CollectionProperty(name: "late_events", type: "integer", title: "Events counted by corrections"),
            CollectionProperty(name: "region_name", type: "string", title: "Region name"),
        ]
        fields += Self.keyParts.map { CollectionProperty(name: $0, type: "string", title: "Key: \($0)") }
        let figures = (["count"] + discovered).reduce(into: [String]()) { names, name in if !names.contains(name) { names.append(name) } }
        fields += figures.map { CollectionProperty(name: $0, type: "real", title: $0) }
        var entries: [(String, Queryable)] = [
            ("geometry", .geometry("geom", title: "Region label point, grid cell or mean position (EPSG:4490)")),
            ("aggregation", .string("aggregation", nullable: false, title: "Aggregation")),
            ("key", .string("key", nullable: false, title: "Key")),
            ("window_start", .timestamp("window_start", nullable: false, title: "Window start")),
            ("window_end", .timestamp("window_end", nullable: false, title: "Window end")),
            ("version", .integer("version", nullable: false, title: "Version")),
            ("recorded_at", .timestamp("recorded_at", nullable: false, title: "When this version was recorded")),
            ("region_name", .string("(properties->>'region_name')", title: "Region name")),
        ]
        for part in Self.keyParts { entries.append((part, .string("(properties->>\(EntitySource.literal(part)))", title: "Key: \(part)"))) }
        for figure in figures {
            entries.append((figure, .number("(properties->>\(EntitySource.literal(figure)))::float8", title: figure)))
        }
        return SourceSchema(fields: fields, queryables: Queryables(entries), propertyNames: fields.map(\.name))
    }

    public func relation(_ collection: ServedCollection, time: SourceTime, builder: inout SQLBuilder) -> SourceRelation {
        let condition =
            time.asOf.map { "system @> \(builder.bind(Timestamp.format($0)))::timestamptz" }
            ?? "upper_inf(system)"
        return SourceRelation(
            relation: "aggregate_windows", conditions: [condition], key: "feature_id", properties: "properties", observedAt: "window_start",
            bucketTime: "window_start")
    }

    public func extentQuery(_ collection: ServedCollection) -> PostgresQuery {
        """
        SELECT ST_XMin(e)::float8, ST_YMin(e)::float8, ST_XMax(e)::float8, ST_YMax(e)::float8, lo, hi
        FROM (SELECT ST_Extent(geom) AS e, min(window_start) AS lo, max(window_end) AS hi FROM aggregate_windows WHERE upper_inf(system)) AS s
        """
    }
}

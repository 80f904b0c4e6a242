import CQL2
import Events
import PostgresNIO

/// Crawl items and thematic records placed by the gazetteer (`located_items`, the latest placement
/// of each item), served on `/items`: `datetime` filters the item's own time.
public struct LocatedItemSource: CollectionSource {
    public let kind = SourceKind.locatedItems
    public let capabilities = SourceCapabilities()
    public let discovery: PostgresQuery? = nil

    /// The collection `/items` reads: not in the catalogue, so not listed on `/collections`.
    public static let collectionID = "located_items"

    public init() {}

    public func schema(_ metadata: CollectionMetadata, discovered: [String]) -> SourceSchema {
        let fields = [
            CollectionProperty(name: "item_id", type: "string"), CollectionProperty(name: "event_id", type: "string"),
            CollectionProperty(name: "source", type: "string"), CollectionProperty(name: "occurred_at", type: "dateTime"),
            CollectionProperty(name: "recorded_at", type: "dateTime"), CollectionProperty(name: "method", type: "string"),
            CollectionProperty(name: "standard_address", type: "string"), CollectionProperty(name: "admin_code", type: "string"),
            CollectionProperty(name: "precision", type: "string"), CollectionProperty(name: "score", type: "real"),
        ]
        let queryables = Queryables([
            ("geometry", .geometry("geom", type: .point, nullable: false, title: "Position (EPSG:4490)")),
            ("item_id", .string("item_id", nullable: false, title: "Item")),
            ("occurred_at", .timestamp("occurred_at", nullable: false, title: "The item's time")),
            ("recorded_at", .timestamp("recorded_at", nullable: false, title: "When the platform recorded it")),
            ("method", .string("method", nullable: false, title: "address or text")),
            ("admin_code", .string("admin_code", title: "Division code of the most specific level")),
            ("precision", .string("precision", nullable: false, title: "Level the placement reached")),
            ("score", .number("score", nullable: false, title: "Geocoding score")),
        ])
        return SourceSchema(fields: fields, queryables: queryables, propertyNames: fields.map(\.name) + ["admin_codes", "labels", "data"])
    }

    public func relation(_ collection: ServedCollection, time: SourceTime, builder: inout SQLBuilder) -> SourceRelation {
        let properties = """
            jsonb_build_object('item_id', item_id, 'event_id', event_id, 'source', source, 'occurred_at', occurred_at,
                'recorded_at', recorded_at, 'method', method, 'standard_address', standard_address, 'admin_code', admin_code,
                'admin_codes', admin_codes, 'precision', precision, 'score', score, 'labels', labels, 'data', data)
            """
        return SourceRelation(
            relation: "located_items", key: "item_id", properties: properties, observedAt: "occurred_at", bucketTime: "occurred_at",
            geometryDigits: 7)
    }

    public func extentQuery(_ collection: ServedCollection) -> PostgresQuery {
        """
        SELECT ST_XMin(e)::float8, ST_YMin(e)::float8, ST_XMax(e)::float8, ST_YMax(e)::float8, lo, hi
        FROM (SELECT ST_Extent(geom) AS e, min(occurred_at) AS lo, max(occurred_at) AS hi FROM located_items) AS s
        """
    }
}

import CQL2
import Events
import PostgresNIO

/// The built-in `alerts` collection: each alert as it stands (`alerts`), with its rule, subject,
/// fence, status (`raised`, `acknowledged`, `cleared`), times and evidence. `datetime` filters when
/// it was raised.
public struct AlertSource: CollectionSource {
    public let kind = SourceKind.alerts
    public let capabilities = SourceCapabilities()
    public let discovery: PostgresQuery? = nil

    public init() {}

    public func schema(_ metadata: CollectionMetadata, discovered: [String]) -> SourceSchema {
        let fields = [
            CollectionProperty(name: "rule", type: "string", title: "Rule"), CollectionProperty(name: "kind", type: "string", title: "Rule kind"),
            CollectionProperty(name: "subject", type: "string", title: "Subject"), CollectionProperty(name: "fence", type: "string", title: "Fence"),
            CollectionProperty(name: "severity", type: "string"), CollectionProperty(name: "status", type: "string"),
            CollectionProperty(name: "message", type: "string"), CollectionProperty(name: "raised_at", type: "dateTime"),
            CollectionProperty(name: "recorded_at", type: "dateTime"), CollectionProperty(name: "acknowledged_at", type: "dateTime"),
            CollectionProperty(name: "acknowledged_by", type: "string"), CollectionProperty(name: "cleared_at", type: "dateTime"),
        ]
        let queryables = Queryables([
            ("geometry", .geometry("geom", title: "Where it was raised (EPSG:4490)")),
            ("rule", .string("rule", nullable: false, title: "Rule")),
            ("kind", .string("kind", nullable: false, title: "enter, exit, inside, dwell or threshold")),
            ("subject", .string("subject", nullable: false, title: "Subject")),
            ("fence", .string("fence", title: "Fence")),
            ("severity", .string("severity", nullable: false, title: "info, warning or critical")),
            ("status", .string("status", nullable: false, title: "raised, acknowledged or cleared")),
            ("raised_at", .timestamp("raised_at", nullable: false, title: "When it was raised (event time)")),
            ("acknowledged_at", .timestamp("acknowledged_at", title: "When it was acknowledged")),
            ("cleared_at", .timestamp("cleared_at", title: "When it was cleared (event time)")),
        ])
        return SourceSchema(fields: fields, queryables: queryables, propertyNames: fields.map(\.name) + ["note", "evidence", "clear_evidence"])
    }

    public func relation(_ collection: ServedCollection, time: SourceTime, builder: inout SQLBuilder) -> SourceRelation {
        let properties = """
            jsonb_strip_nulls(jsonb_build_object('rule', rule, 'kind', kind, 'subject', subject, 'fence', fence, 'severity', severity,
                'status', status, 'message', message, 'raised_at', raised_at, 'recorded_at', recorded_at, 'acknowledged_at', acknowledged_at,
                'acknowledged_by', acknowledged_by, 'note', note, 'cleared_at', cleared_at, 'evidence', evidence, 'clear_evidence', clear_evidence))
            """
        return SourceRelation(
            relation: "alerts", key: "alert_id", keyType: "uuid", properties: properties, observedAt: "raised_at", bucketTime: "raised_at")
    }

    public func extentQuery(_ collection: ServedCollection) -> PostgresQuery {
        """
        SELECT ST_XMin(e)::float8, ST_YMin(e)::float8, ST_XMax(e)::float8, ST_YMax(e)::float8, lo, hi
        FROM (SELECT ST_Extent(geom) AS e, min(raised_at) AS lo, max(raised_at) AS hi FROM alerts) AS s
        """
    }
}

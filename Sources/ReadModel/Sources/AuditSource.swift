import CQL2
import Events
import PostgresNIO

/// The built-in `audit` collection: the audit trail (`audit_log`), one feature per entry, with no
/// geometry. Filter by `user`, `collection`, `action`, `outcome`, `status` and `datetime` (when it
/// happened); exports like any collection. Only auditors read it (see ``Caller``).
public struct AuditSource: CollectionSource {
    public let kind = SourceKind.audit
    public let capabilities = SourceCapabilities()
    public let discovery: PostgresQuery? = nil

    public init() {}

    public func schema(_ metadata: CollectionMetadata, discovered: [String]) -> SourceSchema {
        let fields = [
            CollectionProperty(name: "seq", type: "integer", title: "Position in the chain"), CollectionProperty(name: "at", type: "dateTime"),
            CollectionProperty(name: "user", type: "string"), CollectionProperty(name: "action", type: "string"),
            CollectionProperty(name: "target", type: "string"), CollectionProperty(name: "collection", type: "string"),
            CollectionProperty(name: "status", type: "integer"), CollectionProperty(name: "outcome", type: "string"),
            CollectionProperty(name: "client", type: "string"), CollectionProperty(name: "clearance", type: "string"),
            CollectionProperty(name: "hash", type: "string", title: "SHA-256 of the previous hash and the record"),
        ]
        let queryables = Queryables([
            ("geometry", .geometry("geom", title: "None: audit entries have no place")),
            ("user", .string("user_name", title: "User name (absent: anonymous)")),
            ("collection", .string("collections[1]", title: "The collection the request named")),
            ("action", .string("action", nullable: false, title: "METHOD /route, or login")),
            ("outcome", .string("outcome", nullable: false, title: "allowed, denied or failed")),
            ("status", .integer("status", nullable: false, title: "HTTP status")),
            ("at", .timestamp("at", nullable: false, title: "When it happened")),
        ])
        return SourceSchema(
            fields: fields, queryables: queryables, propertyNames: fields.map(\.name) + ["roles", "method", "reason", "result_bytes"])
    }

    public func relation(_ collection: ServedCollection, time: SourceTime, builder: inout SQLBuilder) -> SourceRelation {
        let properties = """
            (record::jsonb - 'id' - 'collections') || jsonb_strip_nulls(jsonb_build_object('seq', seq, 'hash', hash, 'collection', collections[1]))
            """
        return SourceRelation(relation: "audit_log", key: "seq", keyType: "int8", properties: properties, observedAt: "at", bucketTime: "at")
    }

    public func extentQuery(_ collection: ServedCollection) -> PostgresQuery {
        """
        SELECT NULL::float8, NULL::float8, NULL::float8, NULL::float8, min(at), max(at) FROM audit_log
        """
    }
}

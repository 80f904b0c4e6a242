/// Where one read of a collection selects from, as SQL a ``CollectionSource`` wrote: the relation
/// with its own conditions, the key the default order and keyset paging use, and the JSON of a
/// feature's properties. Placeholders in it are already bound in the plan's ``SQLBuilder``.
public struct SourceRelation: Sendable {
    /// `FROM` target: a table, or a subquery with an alias.
    public var relation: String
    /// Conditions of the source itself (the collection, the version's time).
    public var conditions: [String]
    /// The key column: the default sort, the keyset and the feature id.
    public var key: String
    /// The SQL type a keyset value or an id is cast to.
    public var keyType = "text"
    /// The properties object, as `jsonb`.
    public var properties: String
    /// The properties flattened for file exports (one column per value), as `jsonb`.
    public var exportProperties: String
    /// The time column `datetime` filters, when the source does not apply `datetime` itself.
    public var observedAt: String?
    /// The time column statistics bucket by (`time_bucket`).
    public var bucketTime: String
    /// Decimal digits of coordinates in GeoJSON output.
    public var geometryDigits = 15
    /// Whether the relation's table has the partial indexes of each thinning level on
    /// `shikong_thin_level(key)` (migration 23), so a thinned tile reads and counts only its level.
    public var levelIndexed = false

    public init(
        relation: String, conditions: [String] = [], key: String, keyType: String = "text", properties: String, exportProperties: String? = nil,
        observedAt: String? = nil, bucketTime: String, geometryDigits: Int = 15
    ) {
        self.relation = relation
        self.conditions = conditions
        self.key = key
        self.keyType = keyType
        self.properties = properties
        self.exportProperties = exportProperties ?? properties
        self.observedAt = observedAt
        self.bucketTime = bucketTime
        self.geometryDigits = geometryDigits
    }
}

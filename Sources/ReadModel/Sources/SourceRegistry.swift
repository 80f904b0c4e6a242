/// The collection sources the read model knows, by kind: the one place a kind of collection is
/// registered (see ``CollectionSource`` for how to add one).
public struct SourceRegistry: Sendable {
    private let sources: [SourceKind: any CollectionSource]
    /// In registration order.
    public let all: [any CollectionSource]

    public init(_ sources: [any CollectionSource]) {
        self.all = sources
        self.sources = Dictionary(sources.map { ($0.kind, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Entities, sensors, readings, located items, aggregate windows, alerts and the audit trail.
    public static let standard = SourceRegistry([
        EntitySource(), SensorSource(), ReadingSource(), LocatedItemSource(), AggregateSource(), AlertSource(), AuditSource(),
    ])

    /// The source of `kind`, or `nil` when no source serves it.
    public func source(_ kind: SourceKind) -> (any CollectionSource)? { sources[kind] }
}

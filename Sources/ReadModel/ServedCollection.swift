import CQL2
import Events
import Foundation

/// A collection as the read model serves it: its catalogue metadata, its source (which kind of
/// collection it is, and where its features come from), the properties its features carry and the
/// queryables filters, `sortby` and property filters may name.
public struct ServedCollection: Sendable {
    public var id: String
    /// Metadata with every field resolved (defaults filled in).
    public var metadata: CollectionMetadata
    /// Where its features come from.
    public var source: any CollectionSource
    /// The feature properties, in order, with their types.
    public var fields: [CollectionProperty]
    public var queryables: Queryables
    /// The names `properties=` may pick: the properties as the features carry them.
    public var propertyNames: [String]
    public var registeredAt: Date?
    public var updatedAt: Date?

    public var kind: SourceKind { source.kind }
    public var title: String { metadata.title ?? id }
    public var description: String { metadata.description ?? "" }
    public var keywords: [String] { metadata.keywords ?? [] }

    /// Whether `as_of` (system time) and bitemporal `datetime` apply: entity collections.
    public var isBitemporal: Bool { source.capabilities.bitemporal }

    /// `metadata` served from `source`; `discovered` is what the source's discovery query found.
    public init(
        metadata: CollectionMetadata, source: any CollectionSource, discovered: [String] = [], registeredAt: Date? = nil, updatedAt: Date? = nil
    ) {
        self.id = metadata.id
        self.metadata = metadata
        self.source = source
        self.registeredAt = registeredAt
        self.updatedAt = updatedAt
        let schema = source.schema(metadata, discovered: discovered)
        self.fields = schema.fields
        self.queryables = schema.queryables
        self.propertyNames = schema.propertyNames
    }
}

import CQL2
import Foundation
import Events
import PostgresNIO

/// Where the features of one kind of collection come from (pygeoapi's provider idea): the relation
/// a read selects from, the properties and queryables its collections have, and how their extent
/// is computed. Every read of a collection — items pages, single items, `as_of`, exports,
/// statistics, extents, nearest and intersect, `/items` — is planned from its source by
/// ``ReadPlan``; nothing else in the platform writes SQL over a collection's tables.
///
/// **Adding a kind of collection** (aggregates, alerts, …) is one new type conforming to this
/// protocol, registered in ``SourceRegistry/standard`` under its ``SourceKind``: the catalogue lists
/// its collections (`collections.kind` names the kind), and every route and export serves them
/// with no other change. Extra conditions that apply to every read (a clearance filter) go in one
/// place, ``ReadPlan``; other renderings of the same rows (vector tiles with `ST_AsMVT`) start
/// from the same ``ReadPlan``.
///
/// Every relation exposes `geom` (EPSG:4490) and the columns its queryables name.
public protocol CollectionSource: Sendable {
    /// The kind of collection it serves.
    var kind: SourceKind { get }
    /// What `as_of` and `datetime` mean for its collections, and what else they offer.
    var capabilities: SourceCapabilities { get }
    /// A statement whose rows (one text column each) the source needs to describe its collections,
    /// run whenever the catalogue is re-read (e.g. the value names sensors report); `nil`: none.
    var discovery: PostgresQuery? { get }
    /// The properties and queryables of a collection of this kind, given what `discovery` found.
    func schema(_ metadata: CollectionMetadata, discovered: [String]) -> SourceSchema
    /// The relation a read of `collection` selects from, at the request's times. Values go
    /// through `builder`; the SQL text is the source's own.
    func relation(_ collection: ServedCollection, time: SourceTime, builder: inout SQLBuilder) -> SourceRelation
    /// One row: west, south, east, north (EPSG:4490, `float8`), the start and end of the temporal
    /// extent (`timestamptz`; either may be NULL).
    func extentQuery(_ collection: ServedCollection) -> PostgresQuery
}

/// A kind of collection, as the catalogue's `kind` column names it.
public struct SourceKind: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// Versioned entities, imported or edited (`entity_current`, `entity_versions`).
    public static let entities = SourceKind(rawValue: CollectionMetadata.Kind.entities.rawValue)
    /// Each sensor's latest reading (`sensors_latest`).
    public static let sensors = SourceKind(rawValue: CollectionMetadata.Kind.sensors.rawValue)
    /// Every sensor reading (`sensor_readings`).
    public static let readings = SourceKind(rawValue: CollectionMetadata.Kind.readings.rawValue)
    /// Windows of every aggregation (`aggregate_windows`), bitemporal.
    public static let aggregates = SourceKind(rawValue: CollectionMetadata.Kind.aggregates.rawValue)
    /// Alerts as they stand (`alerts`).
    public static let alerts = SourceKind(rawValue: CollectionMetadata.Kind.alerts.rawValue)
    /// The audit trail (`audit_log`).
    public static let audit = SourceKind(rawValue: CollectionMetadata.Kind.audit.rawValue)
    /// Crawl items placed by the gazetteer (`located_items`), served on `/items`.
    public static let locatedItems = SourceKind(rawValue: "located_items")

    public var description: String { rawValue }
}

/// What a source's collections offer beyond plain features.
public struct SourceCapabilities: Sendable, Hashable {
    /// `as_of` (system time) selects what the platform had recorded by then.
    public var systemTime = false
    /// `datetime` is valid time over versions (bitemporal), rather than a filter on a time column.
    public var bitemporal = false
    /// Its features are polygons that `stats?group_by=admin&regions=` may group others by.
    public var regions = false

    public init(systemTime: Bool = false, bitemporal: Bool = false, regions: Bool = false) {
        self.systemTime = systemTime
        self.bitemporal = bitemporal
        self.regions = regions
    }
}

/// The times a read asks about: `as_of` (system time) and `datetime` (valid or observation time).
public struct SourceTime: Sendable, Hashable {
    public var asOf: Date?
    public var datetime: QueryTime?

    public init(asOf: Date? = nil, datetime: QueryTime? = nil) {
        self.asOf = asOf
        self.datetime = datetime
    }

    /// Now: the current state.
    public static let current = SourceTime()
}

/// The properties a collection's features carry and the queryables filters may name.
public struct SourceSchema: Sendable {
    /// The feature properties, in order, with their types (also the columns of exports).
    public var fields: [CollectionProperty]
    public var queryables: Queryables
    /// The names `properties=` may pick: the properties as the features carry them.
    public var propertyNames: [String]

    public init(fields: [CollectionProperty], queryables: Queryables, propertyNames: [String]) {
        self.fields = fields
        self.queryables = queryables
        self.propertyNames = propertyNames
    }
}

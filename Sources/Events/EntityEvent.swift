import Foundation
import JSON
import Kafka

/// A change to a geographic entity (a building, road, admin region, POI…), as JSON in the value of
/// `raw.entities` (from the importer or an API write) and `spatial.entities` (after the entity
/// processor checked, geocoded and labelled it). `type` is `entity.upserted` or `entity.retired`;
/// the subject and Kafka key is `entity:<collection>/<entity id>`, so one entity's changes stay in order.
public struct EntityEvent: Codable, Sendable {
    public static let upserted = "entity.upserted"
    public static let retired = "entity.retired"

    public var id: UUID
    public var type: String
    public var subject: String
    /// Where it came from, e.g. `import://<job>/<file>#<row>` or `api://collections/<c>/items`.
    public var source: String
    /// Valid time: when the change took effect in the world (`data.valid_from`).
    public var occurredAt: Date
    /// System time: when the platform recorded it.
    public var recordedAt: Date
    public var space: EntitySpace
    public var attributes: AttributeLabels
    public var data: EntityData
    public var schema: String

    public init(
        id: UUID, type: String, source: String, recordedAt: Date, space: EntitySpace, attributes: AttributeLabels, data: EntityData
    ) {
        self.id = id
        self.type = type
        self.subject = Self.subject(collection: data.collection, entityID: data.entityID)
        self.source = source
        self.occurredAt = data.validFrom
        self.recordedAt = recordedAt
        self.space = space
        self.attributes = attributes
        self.data = data
        self.schema = "shikong/\(type)/1"
    }

    public static func subject(collection: String, entityID: String) -> String { "entity:\(collection)/\(entityID)" }

    enum CodingKeys: String, CodingKey {
        case id, type, subject, source, space, attributes, data, schema
        case occurredAt = "occurred_at"
        case recordedAt = "recorded_at"
    }

    /// The Kafka record: the whole event as the value (structured mode), the envelope repeated in
    /// `ce_*` headers for routing, keyed by the subject.
    public func record(topic: String) throws -> OutgoingRecord {
        var metadata = EventMetadata(
            id: id, type: type, subject: subject, source: source, occurredAt: occurredAt, recordedAt: recordedAt, schema: schema)
        metadata.extensions["collection"] = data.collection
        return metadata.record(topic: topic, value: jsonBytes)
    }
}

/// The space domain of an entity change: the geometry in EPSG:4490 (GeoJSON, any type), what CRS it
/// came in, and the address when that is all a source gave (the entity processor geocodes it).
public struct EntitySpace: Codable, Sendable, Equatable {
    /// A GeoJSON geometry in EPSG:4490 (longitude, latitude); `nil` for a retirement or an address still to geocode.
    public var geometry: JSONValue?
    public var crs: String
    public var sourceCRS: String?
    public var address: String?
    /// Admin division code of the place (from the geocoder or the source), e.g. `420106`.
    public var adminCode: String?
    /// How the position was found: `source` (given), or the geocoder's precision (`county`, `township`, `address`…).
    public var precision: String?

    public init(
        geometry: JSONValue?, sourceCRS: String? = nil, address: String? = nil, adminCode: String? = nil, precision: String? = nil
    ) {
        self.geometry = geometry
        self.crs = "EPSG:4490"
        self.sourceCRS = sourceCRS
        self.address = address
        self.adminCode = adminCode
        self.precision = precision
    }

    enum CodingKeys: String, CodingKey {
        case geometry, crs, address, precision
        case sourceCRS = "source_crs"
        case adminCode = "admin_code"
    }
}

/// What changed.
public struct EntityData: Codable, Sendable, Equatable {
    public var collection: String
    public var entityID: String
    /// Valid time from which the new state holds (or, for a retirement, from which the entity is gone).
    public var validFrom: Date
    /// The attributes, in their source order and types (an upsert); `nil` for a retirement.
    public var properties: JSONValue?
    /// Hash of geometry and properties: an import skips features whose hash the current version has.
    public var contentHash: String?
    /// Import job, file and row, when the change came from a bulk import.
    public var origin: ImportOrigin?
    /// Why an entity was retired, e.g. `missing from a full re-import of <file>`.
    public var reason: String?
    /// Set when the collection keeps features outside the service area (they are otherwise dead letters).
    public var outsideServiceAreaAllowed: Bool?

    public init(
        collection: String, entityID: String, validFrom: Date, properties: JSONValue? = nil, contentHash: String? = nil,
        origin: ImportOrigin? = nil, reason: String? = nil, outsideServiceAreaAllowed: Bool? = nil
    ) {
        self.collection = collection
        self.entityID = entityID
        self.validFrom = validFrom
        self.properties = properties
        self.contentHash = contentHash
        self.origin = origin
        self.reason = reason
        self.outsideServiceAreaAllowed = outsideServiceAreaAllowed
    }

    enum CodingKeys: String, CodingKey {
        case collection, properties, origin, reason
        case entityID = "entity_id"
        case validFrom = "valid_from"
        case contentHash = "content_hash"
        case outsideServiceAreaAllowed = "outside_service_area_allowed"
    }
}

/// Where an imported feature came from.
public struct ImportOrigin: Codable, Sendable, Hashable {
    public var job: UUID
    /// The source the row belongs to — what a later full import of the same source compares with:
    /// by default the collection (one dataset, one collection), or the import's `--source`. The
    /// file's own name is in the event's `source` (`import://<job>/<file>#<row>`).
    public var file: String
    public var layer: String?
    public var row: Int

    public init(job: UUID, file: String, layer: String? = nil, row: Int) {
        self.job = job
        self.file = file
        self.layer = layer
        self.row = row
    }
}

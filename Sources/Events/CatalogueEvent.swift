import Foundation
import Kafka

/// A change to the catalogue of collections (R-ENG-1, R-DM-8), as JSON in the value of `catalogue`.
///
/// - `collection.registered`: a collection exists, with its metadata. Registering one that exists
///   keeps the metadata people edited and takes the new property list (an importer re-registers a
///   collection on every import, with the fields of the file).
/// - `collection.updated`: an edit of the metadata; fields left out (`nil`) stay as they are.
///
/// The subject and Kafka key is `collection:<id>`, so one collection's changes stay in order. The
/// catalogue projection applies an event only when its id is newer (UUIDv7) than the one the row
/// holds, so replays and redeliveries change nothing.
public struct CatalogueEvent: Codable, Sendable, Equatable {
    public static let registered = "collection.registered"
    public static let updated = "collection.updated"

    public var id: UUID
    public var type: String
    public var subject: String
    /// Who asked, e.g. `import://<job>/<file>`, `api://collections`, `shikong://built-in`.
    public var source: String
    /// When the metadata took effect (for registrations: when the collection came to be).
    public var occurredAt: Date
    /// System time: when the platform recorded it.
    public var recordedAt: Date
    public var data: CollectionMetadata
    public var schema: String

    public init(id: UUID, type: String, source: String, occurredAt: Date, recordedAt: Date, data: CollectionMetadata) {
        self.id = id
        self.type = type
        self.subject = Self.subject(data.id)
        self.source = source
        self.occurredAt = occurredAt
        self.recordedAt = recordedAt
        self.data = data
        self.schema = "shikong/\(type)/1"
    }

    public static func subject(_ collection: String) -> String { "collection:\(collection)" }

    enum CodingKeys: String, CodingKey {
        case id, type, subject, source, data, schema
        case occurredAt = "occurred_at"
        case recordedAt = "recorded_at"
    }

    /// The Kafka record: the whole event as the value, the envelope repeated in `ce_*` headers,
    /// keyed by the subject.
    public func record(topic: String = Topics.catalogue) throws -> OutgoingRecord {
        var metadata = EventMetadata(
            id: id, type: type, subject: subject, source: source, occurredAt: occurredAt, recordedAt: recordedAt, schema: schema)
        metadata.extensions["collection"] = data.id
        return metadata.record(topic: topic, value: try EventJSON.encoder().encode(self))
    }
}

/// A collection's metadata as the catalogue holds it. In a `collection.updated` event every field
/// but `id` may be `nil`, meaning "unchanged".
public struct CollectionMetadata: Codable, Sendable, Equatable {
    /// What serves a collection: entities (`entity_current`/`entity_versions`), the sensor tables,
    /// windowed aggregates (`aggregate_windows`) or alerts (`alerts`).
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case entities, sensors, readings, aggregates, alerts, audit
    }

    /// The collection id: letters, digits, `_`, `-` and `.`, 1–64 characters, starting with a letter or digit.
    public var id: String
    public var kind: Kind?
    public var title: String?
    public var description: String?
    public var keywords: [String]?
    /// Three-domain labels (R-DATA-5): domain, industry, theme.
    public var domain: String?
    public var industry: String?
    public var theme: String?
    /// `public`, `government` or `classified` (R-SEC-1).
    public var classification: String?
    /// The feature property that holds each feature's own level (`public`, `government`,
    /// `classified`, or 公开, 政务, 涉密): a feature above a caller's clearance is hidden from them on
    /// every read. A feature without a level there has the collection's; one with a label that names
    /// no level is seen only by classified callers. An empty string removes it.
    public var classificationProperty: String?
    /// Where the data comes from, e.g. a file name, an agency, a feed.
    public var source: String?
    /// How often it changes, e.g. `continual`, `daily`, `irregular` (ISO 19115 MD_MaintenanceFrequencyCode names).
    public var updateFrequency: String?
    /// Whether features outside the service area are accepted.
    public var allowOutsideServiceArea: Bool?
    /// The attribute fields in order, with their types: `string`, `integer`, `real`, `boolean`, `date`, `dateTime`.
    public var properties: [CollectionProperty]?
    /// Properties (of type `string`, `integer`, `real` or `boolean`) that filters name often, each
    /// given an index on (value, geometry) so an equality and a bbox are answered from it.
    public var indexed: [String]?

    public init(
        id: String, kind: Kind? = nil, title: String? = nil, description: String? = nil, keywords: [String]? = nil, domain: String? = nil,
        industry: String? = nil, theme: String? = nil, classification: String? = nil, classificationProperty: String? = nil, source: String? = nil,
        updateFrequency: String? = nil, allowOutsideServiceArea: Bool? = nil, properties: [CollectionProperty]? = nil, indexed: [String]? = nil
    ) {
        self.id = id
        self.kind = kind
        self.title = title
        self.description = description
        self.keywords = keywords
        self.domain = domain
        self.industry = industry
        self.theme = theme
        self.classification = classification
        self.classificationProperty = classificationProperty
        self.source = source
        self.updateFrequency = updateFrequency
        self.allowOutsideServiceArea = allowOutsideServiceArea
        self.properties = properties
        self.indexed = indexed
    }

    enum CodingKeys: String, CodingKey {
        case id, kind, title, description, keywords, domain, industry, theme, classification, source, properties, indexed
        case updateFrequency = "update_frequency"
        case allowOutsideServiceArea = "allow_outside_service_area"
        case classificationProperty = "classification_property"
    }

    /// Classification levels (R-SEC-1).
    public static let classifications = ["public", "government", "classified"]

    /// Why `id` cannot name a collection, or `nil` when it can.
    public static func problem(withID id: String) -> String? {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.")
        guard (1...64).contains(id.count) else { return "a collection id has 1 to 64 characters" }
        guard id.allSatisfy(allowed.contains), let first = id.first, first.isLetter || first.isNumber else {
            return "a collection id has letters, digits, '_', '-' and '.', and starts with a letter or digit: \(id) does not"
        }
        return nil
    }
}

/// One attribute field of a collection.
public struct CollectionProperty: Codable, Sendable, Hashable {
    /// Field types, as `GeoFormats.FieldType` names them.
    public static let types = ["string", "integer", "real", "boolean", "date", "dateTime"]

    public var name: String
    public var type: String
    public var title: String?

    public init(name: String, type: String, title: String? = nil) {
        self.name = name
        self.type = type
        self.title = title
    }
}

/// Registering a collection from code: the importer calls ``CollectionRegistration/event(_:source:at:)``
/// and produces the record to `catalogue` before its first entity event.
///
/// ```swift
/// let metadata = CollectionMetadata(id: "buildings", kind: .entities, title: "Buildings", source: "wuhan-buildings.gpkg",
///                                   properties: fields.map { CollectionProperty(name: $0.name, type: $0.type.rawValue) })
/// try await producer.send(CollectionRegistration.event(metadata, source: "import://\(job)/\(file)").record())
/// ```
public enum CollectionRegistration {
    /// A `collection.registered` event with a fresh time-ordered id. `kind` defaults to `entities`.
    public static func event(_ metadata: CollectionMetadata, source: String, at date: Date = Date()) -> CatalogueEvent {
        var metadata = metadata
        if metadata.kind == nil { metadata.kind = .entities }
        return CatalogueEvent(
            id: EventIDGenerator.shared.next(at: date), type: CatalogueEvent.registered, source: source, occurredAt: date, recordedAt: date,
            data: metadata)
    }

    /// A `collection.updated` event (metadata edit) with a fresh id.
    public static func edit(_ metadata: CollectionMetadata, source: String, at date: Date = Date()) -> CatalogueEvent {
        CatalogueEvent(
            id: EventIDGenerator.shared.next(at: date), type: CatalogueEvent.updated, source: source, occurredAt: date, recordedAt: date,
            data: metadata)
    }

    /// When the built-in collections were registered: fixed, so their events have the same id in
    /// every process and every start, and any later edit (a newer id) wins over them.
    public static let builtInDate = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01T00:00:00Z

    /// The registration of `sensors`, `readings`, `aggregates` and `alerts`, with ids derived from their content.
    public static var builtIn: [CatalogueEvent] {
        let sensors = CollectionMetadata(
            id: "sensors", kind: .sensors, title: "Sensors", description: "The latest reading of every sensor, in CGCS2000 (EPSG:4490).",
            keywords: ["IoT", "sensor", "air quality", "real time"], domain: "iot", industry: "environment", theme: "air-quality",
            classification: "public", source: "MQTT sensor feeds", updateFrequency: "continual")
        let readings = CollectionMetadata(
            id: "readings", kind: .readings, title: "Sensor readings",
            description: "Every sensor reading, in CGCS2000 (EPSG:4490); filter with sensor_id and datetime.",
            keywords: ["IoT", "sensor", "time series", "air quality"], domain: "iot", industry: "environment", theme: "air-quality",
            classification: "public", source: "MQTT sensor feeds", updateFrequency: "continual")
        let audit = CollectionMetadata(
            id: "audit", kind: .audit, title: "Audit trail",
            description:
                "Every write, login, read of non-public data and refused request: who, what, when, the result; hash-chained (shikong audit verify). Auditors only.",
            keywords: ["audit", "security"], domain: "platform", industry: "security", theme: "audit", classification: "classified",
            source: "the API (audit topic)", updateFrequency: "continual")
        return ([sensors, readings] + liveBuiltIns + [audit]).map { metadata in
            let content = (try? EventJSON.encoder().encode(metadata)).map { Array($0) } ?? Array(metadata.id.utf8)
            return CatalogueEvent(
                id: EventIDGenerator.contentID(at: builtInDate, content: content), type: CatalogueEvent.registered, source: "shikong://built-in",
                occurredAt: builtInDate, recordedAt: builtInDate, data: metadata)
        }
    }
}

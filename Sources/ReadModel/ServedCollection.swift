import CQL2
import Events
import Foundation

/// A collection as the API serves it: its catalogue metadata, the properties its features carry
/// and the queryables filters, `sortby` and property filters may name.
public struct ServedCollection: Sendable {
    public var id: String
    public var kind: CollectionMetadata.Kind
    /// Metadata with every field resolved (defaults filled in).
    public var metadata: CollectionMetadata
    /// The feature properties, in order, with their types.
    public var fields: [CollectionProperty]
    public var queryables: Queryables
    public var registeredAt: Date?
    public var updatedAt: Date?

    public var title: String { metadata.title ?? id }
    public var description: String { metadata.description ?? "" }
    public var keywords: [String] { metadata.keywords ?? [] }

    /// Whether `as_of` (system time) and bitemporal `datetime` apply: entity collections.
    public var isBitemporal: Bool { kind == .entities }

    init(metadata: CollectionMetadata, registeredAt: Date?, updatedAt: Date?, sensorValues: [String]) {
        self.id = metadata.id
        self.kind = metadata.kind ?? .entities
        self.metadata = metadata
        self.registeredAt = registeredAt
        self.updatedAt = updatedAt
        switch kind {
        case .entities:
            fields = metadata.properties ?? []
            queryables = Self.entityQueryables(fields)
        case .sensors, .readings:
            let base = [
                CollectionProperty(name: "sensor_id", type: "string", title: "Sensor"),
                CollectionProperty(name: "observed_at", type: "dateTime", title: "Observation time"),
            ]
            let extra =
                kind == .sensors
                ? [CollectionProperty(name: "event_id", type: "string")]
                : [CollectionProperty(name: "recorded_at", type: "dateTime"), CollectionProperty(name: "source", type: "string")]
            fields = base + extra + sensorValues.map { CollectionProperty(name: $0, type: "real", title: "values.\($0)") }
            queryables = Self.sensorQueryables(kind: kind, values: sensorValues)
        }
    }

    /// The names `properties=` may pick: the properties as the features carry them.
    public var propertyNames: [String] {
        switch kind {
        case .entities: fields.map(\.name)
        case .sensors: ["sensor_id", "observed_at", "event_id", "values"]
        case .readings: ["sensor_id", "observed_at", "recorded_at", "values", "source"]
        }
    }

    /// A string as a SQL literal. Property names come from imported files, so they are quoted here
    /// and never pasted raw (standard_conforming_strings is on: only quotes need doubling).
    static func literal(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }

    static func entityQueryables(_ fields: [CollectionProperty]) -> Queryables {
        var entries: [(String, Queryable)] = [("geometry", .geometry("geom", title: "Geometry (EPSG:4490)"))]
        for field in fields where field.name != "geometry" {
            let key = literal(field.name)
            let title = field.title
            let queryable: Queryable
            switch field.type {
            case "integer":
                queryable = .integer(
                    "(CASE jsonb_typeof(properties->\(key)) WHEN 'number' THEN (properties->\(key))::numeric::bigint END)", title: title)
            case "real", "number":
                queryable = .number("(CASE jsonb_typeof(properties->\(key)) WHEN 'number' THEN (properties->\(key))::float8 END)", title: title)
            case "boolean":
                queryable = .boolean("(CASE jsonb_typeof(properties->\(key)) WHEN 'boolean' THEN (properties->\(key))::boolean END)", title: title)
            case "date":
                queryable = .date(
                    #"(CASE WHEN properties->>\#(key) ~ '^\d{4}-\d{2}-\d{2}$' THEN (properties->>\#(key))::date END)"#, title: title)
            case "dateTime", "date-time", "datetime":
                queryable = .timestamp(
                    #"(CASE WHEN properties->>\#(key) ~ '^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}' THEN (properties->>\#(key))::timestamptz END)"#,
                    title: title)
            default:
                queryable = .string("(properties->>\(key))", title: title)
            }
            entries.append((field.name, queryable))
        }
        if !fields.contains(where: { $0.name == "valid_from" }) {
            entries.append(("valid_from", .timestamp("valid_from", nullable: false, title: "Valid from (valid time of this version)")))
        }
        return Queryables(entries)
    }

    static func sensorQueryables(kind: CollectionMetadata.Kind, values: [String]) -> Queryables {
        var entries: [(String, Queryable)] = [
            ("geometry", .geometry("geom", type: .point, nullable: false, title: "Position (EPSG:4490)")),
            ("sensor_id", .string("sensor_id", nullable: false, title: "Sensor")),
            ("observed_at", .timestamp("observed_at", nullable: false, title: "Observation time")),
        ]
        if kind == .readings {
            entries.append(("recorded_at", .timestamp("recorded_at", nullable: false, title: "When the platform recorded it")))
        }
        for value in values {
            entries.append((value, .number(#"("values"->>\#(literal(value)))::float8"#, title: "\(value) (reading value)")))
        }
        return Queryables(entries)
    }
}

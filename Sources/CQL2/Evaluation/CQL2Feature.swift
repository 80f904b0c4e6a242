import JSON

/// A value of a feature's queryable, as ``CQL2Filter`` compares it.
public enum CQL2Value: Sendable, Hashable {
    case string(String)
    case number(Double)
    case boolean(Bool)
    case date(CQL2Date)
    case timestamp(CQL2Timestamp)
    /// An interval; a `nil` end is open.
    case interval(start: CQL2Timestamp?, end: CQL2Timestamp?)
    /// A geometry in the storage CRS: EPSG:4490, longitude first.
    case geometry(CQL2Geometry)
}

/// Something a ``CQL2Filter`` can be evaluated against: a feature that answers, by queryable name,
/// the values the SQL translation would read from its row.
///
/// A value of the wrong type for its queryable (a string where the queryable is a number) counts as
/// missing, as the SQL casts of the entity queryables make it NULL.
public protocol CQL2Feature {
    /// The value of the queryable `name`, or `nil` when the feature has none (SQL's NULL).
    func value(of name: String) -> CQL2Value?
}

/// A feature as a dictionary of queryable values: the simplest adapter for events.
///
/// ```swift
/// let feature = CQL2PropertyFeature(["sensor_id": .string("s1"), "pm25": .number(80),
///     "geometry": .geometry(.point([114.3, 30.6]))])
/// if filter.evaluate(feature) { … }
/// ```
public struct CQL2PropertyFeature: CQL2Feature, Sendable {
    public var values: [String: CQL2Value]

    public init(_ values: [String: CQL2Value]) {
        self.values = values
    }

    public func value(of name: String) -> CQL2Value? { values[name] }
}

extension CQL2Value {
    /// A JSON value read as a queryable of `type` reads it in SQL: numbers and booleans as they are,
    /// dates from `YYYY-MM-DD` strings, timestamps from RFC 3339 strings, geometries from GeoJSON
    /// (already in EPSG:4490); anything else (or JSON null) is `nil`.
    public init?(json: JSONValue, as type: Queryable.ValueType) {
        switch (type, json) {
        case (.string, .string(let text)): self = .string(text)
        case (.number, .number(let value)), (.integer, .number(let value)): self = .number(value)
        case (.boolean, .bool(let flag)): self = .boolean(flag)
        case (.date, .string(let text)):
            guard let date = CQL2Date(parsing: text) else { return nil }
            self = .date(date)
        case (.timestamp, .string(let text)):
            guard let timestamp = CQL2Timestamp(parsing: text) else { return nil }
            self = .timestamp(timestamp)
        case (.geometry, .object):
            guard let geometry = try? GeoJSONReader.geometry(json, at: "") else { return nil }
            self = .geometry(geometry)
        default: return nil
        }
    }
}

extension CQL2Geometry {
    /// A GeoJSON geometry object (RFC 7946), e.g. `{"type":"Point","coordinates":[114.3,30.6]}`.
    public init(geoJSON: JSONValue) throws(CQL2Error) {
        self = try GeoJSONReader.geometry(geoJSON, at: "")
    }
}

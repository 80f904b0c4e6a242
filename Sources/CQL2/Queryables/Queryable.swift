/// A property that filters, `sortby` and the queryables document may name: its type, and the SQL
/// expression it stands for in the collection's table.
///
/// The SQL is written by the server, never by a client, and is used as is (in parentheses), e.g.
/// `properties->>'name'`, `("values"->>'pm25')::float8`, `geom`, `observed_at`.
///
/// ```swift
/// let queryables = Queryables([
///     ("sensor_id", .string("sensor_id", nullable: false, title: "Sensor")),
///     ("pm25", .number(#"("values"->>'pm25')::float8"#, title: "PM2.5 (µg/m³)")),
///     ("observed_at", .timestamp("observed_at", nullable: false)),
///     ("valid", .interval(start: "valid_from", end: "valid_to")),
///     ("geometry", .geometry("geom", type: .point, nullable: false)),
/// ])
/// ```
public struct Queryable: Sendable, Hashable {
    /// What a queryable holds.
    public enum ValueType: String, Sendable, Hashable, CaseIterable {
        case string, number, integer, boolean, date, timestamp
        /// A time interval: two instant columns or a `tstzrange`.
        case interval
        case geometry
    }

    /// The geometry type a geometry queryable holds, for the queryables document.
    public enum GeometryType: String, Sendable, Hashable {
        case any = "geometry-any"
        case point = "geometry-point"
        case multiPoint = "geometry-multipoint"
        case lineString = "geometry-linestring"
        case multiLineString = "geometry-multilinestring"
        case polygon = "geometry-polygon"
        case multiPolygon = "geometry-multipolygon"
        case collection = "geometry-geometrycollection"
    }

    enum Storage: Sendable, Hashable {
        case expression(String)
        /// Start and end instants; a NULL end is open (unbounded).
        case columns(start: String, end: String)
        /// A `tstzrange`; an infinite bound is open.
        case range(String)
    }

    public let type: ValueType
    let storage: Storage
    /// Whether the value may be NULL (for intervals: whether either end may be NULL, meaning open).
    public var nullable: Bool
    public var title: String?
    public var description: String?
    public var geometryType: GeometryType?

    /// The SQL expression of a single-valued queryable (not an interval), for statistics and grouping.
    public var sqlExpression: String? {
        if case .expression(let sql) = storage { return sql }
        return nil
    }

    init(type: ValueType, storage: Storage, nullable: Bool, title: String?, description: String?, geometryType: GeometryType? = nil) {
        self.type = type
        self.storage = storage
        self.nullable = nullable
        self.title = title
        self.description = description
        self.geometryType = geometryType
    }

    public static func string(_ sql: String, nullable: Bool = true, title: String? = nil, description: String? = nil) -> Queryable {
        Queryable(type: .string, storage: .expression(sql), nullable: nullable, title: title, description: description)
    }

    /// A floating-point number (compared as `float8`).
    public static func number(_ sql: String, nullable: Bool = true, title: String? = nil, description: String? = nil) -> Queryable {
        Queryable(type: .number, storage: .expression(sql), nullable: nullable, title: title, description: description)
    }

    public static func integer(_ sql: String, nullable: Bool = true, title: String? = nil, description: String? = nil) -> Queryable {
        Queryable(type: .integer, storage: .expression(sql), nullable: nullable, title: title, description: description)
    }

    public static func boolean(_ sql: String, nullable: Bool = true, title: String? = nil, description: String? = nil) -> Queryable {
        Queryable(type: .boolean, storage: .expression(sql), nullable: nullable, title: title, description: description)
    }

    /// A `date`; against timestamps it is midnight UTC at its start.
    public static func date(_ sql: String, nullable: Bool = true, title: String? = nil, description: String? = nil) -> Queryable {
        Queryable(type: .date, storage: .expression(sql), nullable: nullable, title: title, description: description)
    }

    /// A `timestamptz` instant.
    public static func timestamp(_ sql: String, nullable: Bool = true, title: String? = nil, description: String? = nil) -> Queryable {
        Queryable(type: .timestamp, storage: .expression(sql), nullable: nullable, title: title, description: description)
    }

    /// A geometry in the storage SRID (4490 unless the translator says otherwise).
    public static func geometry(
        _ sql: String, type: GeometryType = .any, nullable: Bool = true, title: String? = nil, description: String? = nil
    ) -> Queryable {
        Queryable(type: .geometry, storage: .expression(sql), nullable: nullable, title: title, description: description, geometryType: type)
    }

    /// An interval held in two `timestamptz` columns; a NULL start or end is an open end.
    /// Both ends are included. Say `nullable: false` when neither can be NULL: indexes then serve.
    public static func interval(start: String, end: String, nullable: Bool = true, title: String? = nil, description: String? = nil)
        -> Queryable
    {
        Queryable(type: .interval, storage: .columns(start: start, end: end), nullable: nullable, title: title, description: description)
    }

    /// An interval held in a `tstzrange`; an infinite bound is an open end, and both bounds are
    /// compared as included.
    public static func interval(range sql: String, nullable: Bool = true, title: String? = nil, description: String? = nil) -> Queryable {
        Queryable(type: .interval, storage: .range(sql), nullable: nullable, title: title, description: description)
    }
}

/// The queryables of one collection, in the order they are listed.
public struct Queryables: Sendable, Hashable {
    public let entries: [(name: String, queryable: Queryable)]

    public init(_ entries: [(String, Queryable)]) {
        self.entries = entries.map { (name: $0.0, queryable: $0.1) }
    }

    public var names: [String] { entries.map(\.name) }

    public subscript(name: String) -> Queryable? {
        entries.first { $0.name == name }?.queryable
    }

    /// The queryable `name`, or an error listing the ones there are.
    func require(_ name: String) throws(CQL2Error) -> Queryable {
        guard let queryable = self[name] else {
            throw CQL2Error(.unknownProperty, "unknown property \(name); the queryables are \(names.joined(separator: ", "))")
        }
        return queryable
    }

    public static func == (lhs: Queryables, rhs: Queryables) -> Bool {
        lhs.entries.count == rhs.entries.count && zip(lhs.entries, rhs.entries).allSatisfy { $0.name == $1.name && $0.queryable == $1.queryable }
    }

    public func hash(into hasher: inout Hasher) {
        for entry in entries {
            hasher.combine(entry.name)
            hasher.combine(entry.queryable)
        }
    }
}

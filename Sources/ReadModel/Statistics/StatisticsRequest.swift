import CQL2
import Foundation

/// `GET /collections/{c}/stats`: groups the features an items request selects (bbox, datetime,
/// as_of, filter, property filters) and aggregates them.
///
/// - `group_by`: comma-separated, any of `admin` (the region of another collection each feature
///   falls in, `regions=` names it), `grid` (square cells of `grid_size` degrees, EPSG:4490), or
///   queryable names (a property's values); none: one row for everything.
/// - `time_bucket`: `15m`, `1h`, `1d`, `1w` … buckets of observation time (sensors, readings) or
///   valid time (entities), on the wall clock of `tz` (an IANA zone, default `Asia/Shanghai`, R-BASE-1):
///   a day starts at Beijing midnight, a week on Monday.
/// - `agg`: `count`, `count(p)`, `avg(p)`, `min(p)`, `max(p)`, `sum(p)`, `stddev(p)` over numeric
///   queryables (min and max also over times); default `count`.
/// - `geometry=true`: each admin region's or grid cell's geometry with its row.
public struct StatisticsRequest: Sendable {
    public enum Group: Sendable, Hashable {
        case admin
        case grid
        case property(String)
    }

    public struct Aggregate: Sendable, Hashable {
        public var function: String
        public var property: String?
        /// The output name, e.g. `avg(pm25)`.
        public var name: String { property.map { "\(function)(\($0))" } ?? function }
    }

    public static let parameterNames: Set<String> = ["group_by", "time_bucket", "tz", "agg", "grid_size", "regions", "geometry"]
    /// The zone whose wall clock time buckets follow when a request names none: Beijing time.
    public static let defaultTimeZone = "Asia/Shanghai"
    public static let functions = ["count", "avg", "min", "max", "sum", "stddev"]

    public var items: ItemRequest
    public var groups: [Group] = []
    /// A PostgreSQL interval, e.g. `1 hours`.
    public var timeBucket: String?
    /// The IANA time zone buckets start in (`tz`).
    public var timeZone = Self.defaultTimeZone
    public var aggregates: [Aggregate] = []
    public var gridSize = 0.01
    public var regions: String?
    public var geometry = false

    public init(_ parameters: [(String, String)], collection: ServedCollection, limits: QueryLimits, defaultRegions: String?) throws {
        items = try ItemRequest(parameters, collection: collection, limits: limits, extraParameters: Self.parameterNames, unlimited: true)
        let values = Dictionary(parameters, uniquingKeysWith: { first, _ in first })
        let queryables = collection.queryables
        for name in (values["group_by"] ?? "").split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !name.isEmpty {
            switch name {
            case "admin": groups.append(.admin)
            case "grid": groups.append(.grid)
            default:
                guard let queryable = queryables[name], queryable.sqlExpression != nil, queryable.type != .geometry else {
                    throw FeatureStoreError(
                        .badRequest,
                        "group_by \(name) is not admin, grid or a queryable of \(collection.id) (\(queryables.names.filter { queryables[$0]?.type != .geometry }.joined(separator: ", ")))"
                    )
                }
                groups.append(.property(name))
            }
        }
        guard groups.count <= 3, Set(groups).count == groups.count else {
            throw FeatureStoreError(.badRequest, "group_by takes at most three different groupings")
        }
        if let text = values["grid_size"] {
            guard let size = Double(text), size >= 0.0001, size <= 10 else {
                throw FeatureStoreError(.badRequest, "grid_size is a cell side in degrees (EPSG:4490) from 0.0001 to 10, not \(text)")
            }
            gridSize = size
        }
        regions = values["regions"] ?? defaultRegions
        if groups.contains(.admin) && regions == nil {
            throw FeatureStoreError(.badRequest, "group_by=admin needs regions=<a collection of region polygons>")
        }
        if let text = values["time_bucket"] { timeBucket = try Self.interval(text) }
        if let text = values["tz"] { timeZone = try Self.zone(text) }
        if let text = values["geometry"] {
            guard let flag = Bool(text.lowercased()) else { throw FeatureStoreError(.badRequest, "geometry must be true or false") }
            geometry = flag
        }
        aggregates = try (values["agg"] ?? "count").split(separator: ",").map { try Self.aggregate(String($0), queryables: queryables) }
        guard !aggregates.isEmpty, aggregates.count <= 16 else { throw FeatureStoreError(.badRequest, "agg takes 1 to 16 aggregates") }
    }

    /// `15m`, `1h`, `2d`, `1w` (also `30s`) as a PostgreSQL interval.
    static func interval(_ text: String) throws(FeatureStoreError) -> String {
        let units: [Character: String] = ["s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"]
        guard let unit = text.last.flatMap({ units[$0] }), let count = Int(text.dropLast()), (1...10_000).contains(count) else {
            throw FeatureStoreError(.badRequest, "time_bucket is a count and a unit s, m, h, d or w, e.g. 15m or 1h, not \(text)")
        }
        return "\(count) \(unit)"
    }

    /// An IANA zone name as PostgreSQL and Foundation both know it (`UTC`, `Asia/Shanghai`).
    static func zone(_ text: String) throws(FeatureStoreError) -> String {
        // Area/Location names and UTC only: a bare "GMT+8" means UTC+8 to Foundation and UTC−8 to
        // PostgreSQL (POSIX).
        guard text.count <= 64, text == "UTC" || text.contains("/"),
            text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "/_+-".contains($0)) }),
            TimeZone(identifier: text) != nil
        else {
            throw FeatureStoreError(.badRequest, "tz is an IANA time zone such as Asia/Shanghai or UTC, not \(text)")
        }
        // As written: Foundation calls UTC "GMT".
        return text
    }

    static func aggregate(_ text: String, queryables: Queryables) throws(FeatureStoreError) -> Aggregate {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed == "count" { return Aggregate(function: "count", property: nil) }
        guard let open = trimmed.firstIndex(of: "("), trimmed.hasSuffix(")") else {
            throw FeatureStoreError(
                .badRequest, "agg \(trimmed) is not count or function(property) with a function of \(functions.joined(separator: ", "))")
        }
        let function = String(trimmed[..<open]).lowercased()
        let property = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)]).trimmingCharacters(in: .whitespaces)
        guard functions.contains(function) else {
            throw FeatureStoreError(.badRequest, "agg function \(function) is not one of \(functions.joined(separator: ", "))")
        }
        guard let queryable = queryables[property], queryable.sqlExpression != nil else {
            throw FeatureStoreError(.badRequest, "agg \(trimmed): \(property) is not a queryable (GET /collections/{c}/queryables lists them)")
        }
        let numeric = queryable.type == .number || queryable.type == .integer
        let ordered = numeric || queryable.type == .timestamp || queryable.type == .date
        if ["avg", "sum", "stddev"].contains(function) && !numeric || ["min", "max"].contains(function) && !ordered {
            throw FeatureStoreError(.badRequest, "agg \(trimmed): \(property) is a \(queryable.type.rawValue); \(function) needs a number")
        }
        return Aggregate(function: function, property: property)
    }
}

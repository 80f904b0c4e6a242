import CQL2
import Foundation
import GeoVocabulary

/// The query parameters of `/collections/{c}/items` (and of exports and statistics), validated
/// against one collection.
///
/// Part 1: `bbox`, `datetime`, `limit`, `offset` and `property=value` filters on queryables;
/// Part 2: `crs`, `bbox-crs`; Part 3: `filter`, `filter-lang`, `filter-crs`, `sortby`,
/// `properties`; and `as_of` (system time) on entity collections, `after` (a keyset cursor the
/// `next` links carry), `skipGeometry`.
public struct ItemRequest: Sendable {
    /// Parameters every items request may carry besides property filters.
    public static let parameterNames: Set<String> = [
        "f", "bbox", "bbox-crs", "datetime", "limit", "offset", "after", "crs", "filter", "filter-lang", "filter-crs", "sortby", "properties",
        "as_of", "skipGeometry",
    ]

    public var limit: Int
    public var offset: Int
    /// Keyset cursor: the id after which the page starts (default order only).
    public var after: String?
    /// In the axis order of `bboxCRS` once read, west/south/east/north here.
    public var bbox: BoundingBox?
    public var bboxCRS: SupportedCRS
    public var datetime: QueryTime?
    public var asOf: Date?
    public var filter: CQL2Expression?
    public var filterCRS: SupportedCRS
    /// `name=value` filters, as one CQL2 conjunction.
    public var propertyFilter: CQL2Expression?
    public var sortBy: SortBy?
    public var properties: PropertySelection?
    /// The CRS of the response geometries.
    public var crs: SupportedCRS
    public var skipGeometry = false
    /// The parameters as given, to repeat in paging links (without `offset`, `after` and `f`).
    public var carried: [(String, String)]

    /// Validates `parameters` (decoded name/value pairs) for `collection`. `extraParameters` are names
    /// the caller handles itself (statistics' `group_by`, …).
    public init(
        _ parameters: [(String, String)], collection: ServedCollection, limits: QueryLimits, extraParameters: Set<String> = [],
        unlimited: Bool = false
    ) throws {
        var values: [String: String] = [:]
        for (name, value) in parameters {
            guard values[name] == nil else { throw FeatureStoreError(.badRequest, "\(name) is given twice; give it once") }
            values[name] = value
        }
        carried = parameters.filter { !["offset", "after", "f", "limit"].contains($0.0) && !extraParameters.contains($0.0) }
        let queryables = collection.queryables
        // Limit and offset.
        let maximum = unlimited ? limits.maximumExportFeatures : limits.maximumLimit
        limit = try IntegerParameter.parse(values["limit"], name: "limit", default: unlimited ? maximum : limits.defaultLimit, range: 1...maximum)
        offset = try IntegerParameter.offset(values["offset"])
        after = values["after"]
        if let after, after.isEmpty || after.utf8.count > 512 { throw FeatureStoreError(.badRequest, "after must be a feature id from a next link") }

        // CRSs.
        crs = try values["crs"].map { text in try SupportedCRS(parsing: text, parameter: "crs") } ?? .crs84
        bboxCRS = try values["bbox-crs"].map { text in try SupportedCRS(parsing: text, parameter: "bbox-crs") } ?? .crs84
        filterCRS =
            try values["filter-crs"].map { text in try SupportedCRS(parsing: text, parameter: "filter-crs") } ?? .crs84
        if let text = values["bbox"] { bbox = try BoundingBox(parsing: text, axes: bboxCRS.axes) }
        if values["bbox-crs"] != nil && values["bbox"] == nil { throw FeatureStoreError(.badRequest, "bbox-crs needs a bbox") }

        // Time.
        if let text = values["datetime"] { datetime = try QueryTime(parsing: text, parameter: "datetime") }
        if let text = values["as_of"] {
            guard collection.source.capabilities.systemTime else {
                throw FeatureStoreError(.badRequest, "as_of (system time) applies to entity collections and readings, not to \(collection.id)")
            }
            asOf = try QueryTime(parsing: text, parameter: "as_of", allowInterval: false).start
        }

        // Filters.
        if let text = values["filter"] {
            guard text.utf8.count <= limits.maximumFilterLength else {
                throw FeatureStoreError(.badRequest, "filter is longer than \(limits.maximumFilterLength) bytes (--max-filter-bytes)")
            }
            filter = try CQL2.parse(text, language: try CQL2.Language(parameter: values["filter-lang"]))
        } else if values["filter-lang"] != nil || values["filter-crs"] != nil {
            _ = try CQL2.Language(parameter: values["filter-lang"])
            throw FeatureStoreError(.badRequest, "filter-lang and filter-crs need a filter")
        }
        var conditions: [CQL2Expression] = []
        for (name, value) in parameters where !Self.parameterNames.contains(name) && !extraParameters.contains(name) {
            guard let queryable = queryables[name] else {
                let known = (Self.parameterNames.sorted() + queryables.names.filter { queryables[$0]?.type != .geometry }).joined(separator: ", ")
                throw FeatureStoreError(.badRequest, "unknown parameter \(name); this collection takes \(known)")
            }
            conditions.append(.comparison(.equal, .property(name), try Self.literal(value, for: queryable, name: name)))
        }
        propertyFilter = conditions.isEmpty ? nil : conditions.count == 1 ? conditions[0] : .and(conditions)
        sortBy = try values["sortby"].map { text in try SortBy(parsing: text, queryables: queryables) }
        properties = try values["properties"].map { text in
            try PropertySelection(parsing: text, available: collection.propertyNames)
        }
        if let text = values["skipGeometry"] {
            guard let flag = Bool(text.lowercased()) else { throw FeatureStoreError(.badRequest, "skipGeometry must be true or false") }
            skipGeometry = flag
        }
        if after != nil && sortBy != nil { throw FeatureStoreError(.badRequest, "after pages in the default order; leave out sortby or use offset") }
    }

    /// The literal a `name=value` parameter compares with.
    static func literal(_ value: String, for queryable: Queryable, name: String) throws(FeatureStoreError) -> CQL2Expression {
        switch queryable.type {
        case .string: return .string(value)
        case .number, .integer:
            guard let number = Double(value), number.isFinite else { throw FeatureStoreError(.badRequest, "\(name) is a number; \(value) is not") }
            return .number(number)
        case .boolean:
            guard let flag = Bool(value.lowercased()) else { throw FeatureStoreError(.badRequest, "\(name) is true or false; \(value) is neither") }
            return .boolean(flag)
        case .date:
            guard let date = CQL2Date(parsing: value) else { throw FeatureStoreError(.badRequest, "\(name) is a date (YYYY-MM-DD); \(value) is not") }
            return .date(date)
        case .timestamp:
            guard let timestamp = CQL2Timestamp(parsing: value) else {
                throw FeatureStoreError(.badRequest, "\(name) is an RFC 3339 date-time; \(value) is not")
            }
            return .timestamp(timestamp)
        case .interval, .geometry:
            throw FeatureStoreError(.badRequest, "\(name) cannot be compared with =; use a filter (T_INTERSECTS, S_INTERSECTS)")
        }
    }
}

extension ItemRequest {
    /// A request made in code rather than from query parameters (the `/items` listing, tools):
    /// the current state, every property, CRS84 output, the default order.
    public init(limit: Int, offset: Int = 0) {
        self.limit = limit
        self.offset = offset
        self.bboxCRS = .crs84
        self.filterCRS = .crs84
        self.crs = .crs84
        self.carried = []
    }
}

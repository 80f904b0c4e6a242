import PostgresNIO

/// A CQL2 filter evaluated in memory, against one feature at a time, with the meaning its SQL
/// translation (``CQL2Translator``) has in PostGIS: the same filter selects the same features
/// whether it runs as a query or over a stream of events.
///
/// ```swift
/// let filter = try CQL2Filter("pm25 > 75 AND S_INTERSECTS(geometry, BBOX(114.2, 30.5, 114.4, 30.7))",
///                             queryables: collection.queryables)
/// let feature = CQL2PropertyFeature(["pm25": .number(80), "geometry": .geometry(.point([114.3, 30.6]))])
/// filter.evaluate(feature)   // true
/// ```
///
/// - Types and properties are checked against the queryables exactly as the translator checks
///   them (building a filter runs the translation), so a filter is refused here when and only when
///   `/items` refuses it, with the same ``CQL2Error``.
/// - Three-valued logic: a comparison, LIKE, BETWEEN or IN on a missing value matches nothing, and
///   neither does its NOT; spatial and temporal functions on a missing value are false, so their
///   NOT matches. Strings compare by code point (the C collation of the platform's database);
///   `CASEI` is `lower`, `ACCENTI` drops combining marks, as `unaccent` does for Latin letters.
/// - Geometry literals are read in the filter CRS (axis order included) and transformed to
///   EPSG:4490 with PROJ, vertex by vertex as `ST_Transform`; spatial predicates run in GEOS, the
///   library PostGIS uses; `S_DWITHIN` is the geodesic distance on the CGCS2000 ellipsoid.
/// - Where PostgreSQL would fail the whole query (an arithmetic overflow, the power of a negative
///   number to a fraction, a LIKE pattern from a property ending in `\`, a geometry GEOS cannot
///   process), the feature does not match.
///
/// Evaluations of one filter take turns on its GEOS context (cheap when uncontended); a filter is
/// `Sendable` and may be shared.
public struct CQL2Filter: Sendable {
    /// The filter as parsed.
    public let expression: CQL2Expression
    private let root: PredicateNode
    private let spatial: SpatialEngine

    /// A filter over features whose queryables are `queryables`, geometry literals written in
    /// `filterCRS`; `accentInsensitive` enables `ACCENTI` (refused otherwise, as by the translator
    /// without an accent function).
    public init(_ expression: CQL2Expression, queryables: Queryables, filterCRS: FilterCRS = .crs84, accentInsensitive: Bool = false)
        throws(CQL2Error)
    {
        let translator = CQL2Translator(
            queryables: queryables, filterCRS: filterCRS, accentInsensitiveFunction: accentInsensitive ? "unaccent" : nil)
        var bindings = PostgresBindings()
        _ = try translator.translate(expression, into: &bindings)
        var compiler = FilterCompiler(queryables: queryables, filterCRS: filterCRS)
        self.root = try compiler.predicate(expression)
        self.expression = expression
        self.spatial = SpatialEngine(literals: compiler.literals)
    }

    /// Parses `text` in `language`, then as ``init(_:queryables:filterCRS:accentInsensitive:)``.
    public init(
        _ text: String, language: CQL2.Language = .text, queryables: Queryables, filterCRS: FilterCRS = .crs84, accentInsensitive: Bool = false
    ) throws(CQL2Error) {
        try self.init(CQL2.parse(text, language: language), queryables: queryables, filterCRS: filterCRS, accentInsensitive: accentInsensitive)
    }

    /// Whether `feature` matches (unknown is no match, as in a `WHERE` clause).
    public func evaluate(_ feature: some CQL2Feature) -> Bool {
        FilterEvaluation(feature: feature, spatial: spatial).predicate(root) == true
    }
}

extension CQL2Filter {
    /// West, south, east, north in EPSG:4490 of `BBOX(numbers)` written in `filterCRS` (its corners
    /// transformed as the filter transforms them): what an index of filters by area keys them by.
    public static func storageBounds(ofBBox numbers: [Double], filterCRS: FilterCRS) throws(CQL2Error) -> (
        west: Double, south: Double, east: Double, north: Double
    ) {
        var compiler = FilterCompiler(queryables: Queryables([("geometry", .geometry("geom"))]), filterCRS: filterCRS)
        _ = try compiler.predicate(.spatial(.intersects, .property("geometry"), .bbox(numbers)))
        var box: (west: Double, south: Double, east: Double, north: Double) = (.infinity, .infinity, -.infinity, -.infinity)
        compiler.literals[0].forEachPosition { x, y in
            box = (min(box.west, x), min(box.south, y), max(box.east, x), max(box.north, y))
        }
        return box
    }
}

extension CQL2Geometry {
    /// Calls `body` with the x and y of every position.
    public func forEachPosition(_ body: (Double, Double) -> Void) {
        for position in positions where position.count >= 2 { body(position[0], position[1]) }
    }
}

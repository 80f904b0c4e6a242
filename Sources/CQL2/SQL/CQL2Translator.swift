import PostgresNIO

/// Translates a ``CQL2Expression`` into a PostgreSQL/PostGIS boolean expression with every literal
/// bound as a parameter, property names resolved through the collection's ``Queryables``, and
/// geometry literals brought from the filter CRS to the storage SRID in SQL.
///
/// The SQL numbers its placeholders after the bindings already there, so it combines with the
/// caller's own conditions:
///
/// ```swift
/// var query: PostgresQuery = "SELECT … FROM sensors_latest WHERE geom && ST_MakeEnvelope(\(w), \(s), \(e), \(n), 4490) AND "
/// try translator.append(expression, to: &query)   // appends "(…)" and its bindings
/// query.sql += " ORDER BY sensor_id LIMIT 100"
/// ```
///
/// Semantics: comparisons, LIKE, BETWEEN and IN follow SQL's three-valued logic (a NULL property
/// makes them unknown, so `NOT (x = 1)` does not match a NULL `x`), as CQL2 requires; spatial and
/// temporal functions are true or false, never unknown (so `NOT S_INTERSECTS(g, …)` matches a row
/// whose `g` is NULL). LIKE uses `%` and `_` as wildcards and `\` as the escape. A DATE compared
/// with a timestamp is midnight UTC at its start. Temporal functions use the Allen relations of
/// CQL2 on closed intervals, with open ends (`'..'`, a NULL interval end, an infinite range bound)
/// unbounded.
public struct CQL2Translator: Sendable {
    public var queryables: Queryables
    public var filterCRS: FilterCRS
    public var storageSRID: Int32
    /// The SQL function behind `ACCENTI`, e.g. `unaccent` (the PostgreSQL extension); `nil`
    /// refuses `ACCENTI` as unsupported.
    public var accentInsensitiveFunction: String?

    public init(queryables: Queryables, filterCRS: FilterCRS = .crs84, storageSRID: Int32 = 4490, accentInsensitiveFunction: String? = nil) {
        self.queryables = queryables
        self.filterCRS = filterCRS
        self.storageSRID = storageSRID
        self.accentInsensitiveFunction = accentInsensitiveFunction
    }

    /// Most parameters one filter may bind (PostgreSQL takes 65,535 per statement, shared with the
    /// caller's own). An IN list of literals is one parameter however long it is.
    public static let maximumParameters = 30_000

    /// The boolean SQL expression for `expression`, in parentheses, with its literals appended to
    /// `bindings` and `$n` placeholders numbered accordingly. On error `bindings` is unchanged.
    public func translate(_ expression: CQL2Expression, into bindings: inout PostgresBindings) throws(CQL2Error) -> String {
        var writer = SQLWriter(translator: self, bindings: bindings)
        let sql = try writer.predicate(expression, polarity: .positive)
        guard writer.bindings.count - bindings.count <= Self.maximumParameters else {
            throw CQL2Error(
                .invalidValue,
                "the filter has more than \(Self.maximumParameters) literals; list many values with IN (…), which takes any number")
        }
        bindings = writer.bindings
        return "(\(sql))"
    }

    /// Appends the translation of `expression` to `query`'s SQL and its literals to its bindings.
    public func append(_ expression: CQL2Expression, to query: inout PostgresQuery) throws(CQL2Error) {
        let sql = try translate(expression, into: &query.binds)
        query.sql += sql
    }

    /// The translation on its own, as a query fragment whose placeholders start at `$1`.
    public func fragment(_ expression: CQL2Expression) throws(CQL2Error) -> PostgresQuery {
        var bindings = PostgresBindings()
        let sql = try translate(expression, into: &bindings)
        return PostgresQuery(unsafeSQL: sql, binds: bindings)
    }
}

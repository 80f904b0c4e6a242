/// Conformance classes of OGC API Features Part 3 and CQL2 1.0 that this module implements, for
/// the API's `/conformance`.
public enum CQL2Conformance {
    /// Part 3: `filter`/`filter-lang`/`filter-crs` on items, and `/collections/{c}/queryables`.
    public static let features: [String] = [
        "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
        "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
        "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
    ]

    /// CQL2: both encodings and every class but arrays and custom functions.
    public static let cql2: [String] = [
        "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
        "http://www.opengis.net/spec/cql2/1.0/conf/cql2-json",
        "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
        "http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
        "http://www.opengis.net/spec/cql2/1.0/conf/case-insensitive-comparison",
        "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
        "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions-plus",
        "http://www.opengis.net/spec/cql2/1.0/conf/spatial-functions",
        "http://www.opengis.net/spec/cql2/1.0/conf/temporal-functions",
        "http://www.opengis.net/spec/cql2/1.0/conf/property-property",
        "http://www.opengis.net/spec/cql2/1.0/conf/arithmetic",
    ]

    /// Only when the translator has an ``CQL2Translator/accentInsensitiveFunction``.
    public static let accentInsensitive = "http://www.opengis.net/spec/cql2/1.0/conf/accent-insensitive-comparison"

    /// Everything to list, given whether ACCENTI is configured.
    public static func all(accentInsensitive: Bool) -> [String] {
        features + cql2 + (accentInsensitive ? [Self.accentInsensitive] : [])
    }
}

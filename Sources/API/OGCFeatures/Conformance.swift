import CQL2

/// The conformance classes `/conformance` lists: OGC API Features Part 1 (core, GeoJSON), Part 2
/// (CRS by reference), Part 3 (filtering, CQL2), sorting, and Part 4 (create, replace, update and
/// delete on entity collections, optimistic locking with ETags); OGC API Tiles (vector tiles) with
/// tile matrix sets.
enum Conformance {
    static let classes: [String] =
        [
            "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
            "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
            "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
            "http://www.opengis.net/spec/ogcapi-features-5/1.0/conf/queryables",
            "http://www.opengis.net/spec/ogcapi-features-8/1.0/conf/sorting",
            "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/create-replace-delete",
            "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/update",
            "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/optimistic-locking-etags",
            "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/features",
        ] + CQL2Conformance.all(accentInsensitive: false) + TileMatrixSetDocument.conformance
}

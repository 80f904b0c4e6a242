import CProj

/// Geodesic distances on an ellipsoid, with PROJ's implementation of Karney's algorithms (the same
/// geodesics PostGIS uses for `geography` distances between points).
public struct Geodesic: Sendable {
    private let geodesic: geod_geodesic

    /// The ellipsoid of semi-major axis `a` (metres) and flattening `f`.
    public init(semiMajorAxis a: Double, flattening f: Double) {
        var geodesic = geod_geodesic()
        geod_init(&geodesic, a, f)
        self.geodesic = geodesic
    }

    /// The CGCS2000 ellipsoid (EPSG:1024: a = 6378137 m, 1/f = 298.257222101), the one of EPSG:4490.
    public static let cgcs2000 = Geodesic(semiMajorAxis: 6_378_137, flattening: 1 / 298.257_222_101)

    /// The length in metres of the shortest path between two positions in degrees.
    public func distance(longitude1: Double, latitude1: Double, longitude2: Double, latitude2: Double) -> Double {
        var metres = 0.0
        withUnsafePointer(to: geodesic) { geodesic in
            geod_inverse(geodesic, latitude1, longitude1, latitude2, longitude2, &metres, nil, nil)
        }
        return metres
    }
}

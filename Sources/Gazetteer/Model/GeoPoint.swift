import Foundation

/// A longitude/latitude position in CGCS2000 (EPSG:4490), degrees.
public struct GeoPoint: Hashable, Sendable, Codable {
    public var lon: Double
    public var lat: Double

    public init(lon: Double, lat: Double) {
        self.lon = lon
        self.lat = lat
    }

    /// Great-circle distance in metres (haversine, mean Earth radius).
    public func distance(to other: GeoPoint) -> Double {
        let radians = Double.pi / 180
        let sinLat = sin((other.lat - lat) * radians / 2)
        let sinLon = sin((other.lon - lon) * radians / 2)
        let a = sinLat * sinLat + cos(lat * radians) * cos(other.lat * radians) * sinLon * sinLon
        return 2 * 6_371_008.8 * asin(min(1, a.squareRoot()))
    }
}

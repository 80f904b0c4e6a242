import Foundation

/// A coordinate reference system named by its EPSG code.
public struct CoordinateReferenceSystem: Hashable, Sendable, CustomStringConvertible {
    public let epsg: Int

    public init(epsg: Int) {
        self.epsg = epsg
    }

    /// CGCS2000 geographic, the platform's canonical CRS.
    public static let cgcs2000 = CoordinateReferenceSystem(epsg: 4490)
    /// WGS 84 geographic.
    public static let wgs84 = CoordinateReferenceSystem(epsg: 4326)
    /// Web Mercator.
    public static let webMercator = CoordinateReferenceSystem(epsg: 3857)

    /// Accepts `EPSG:4326`, `4326`, `urn:ogc:def:crs:EPSG::4326`, `http://www.opengis.net/def/crs/EPSG/0/4326`
    /// and `CRS84` (taken as WGS 84 in longitude/latitude order, which is the order used everywhere here).
    public init?(parsing text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let upper = trimmed.uppercased()
        if upper == "CRS84" || upper.hasSuffix("/OGC/1.3/CRS84") || upper == "URN:OGC:DEF:CRS:OGC:1.3:CRS84" {
            self.init(epsg: 4326)
            return
        }
        let digits: Substring
        if upper.hasPrefix("EPSG:") {
            digits = trimmed.dropFirst(5)
        } else if let range = upper.range(of: "EPSG::") ?? upper.range(of: "/EPSG/0/") {
            digits = trimmed[range.upperBound...]
        } else {
            digits = Substring(trimmed)
        }
        guard let code = Int(digits), (1024...32767).contains(code) else { return nil }
        self.init(epsg: code)
    }

    public var description: String { "EPSG:\(epsg)" }

    /// Whether coordinates are longitude/latitude in degrees (as opposed to projected metres).
    public var isGeographic: Bool {
        [4326, 4490, 4258, 4269, 4214, 4610].contains(epsg)
    }
}

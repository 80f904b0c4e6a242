import Foundation

/// The CRS that geometry literals of a filter are written in (Part 3 `filter-crs`): CRS84 unless
/// the request says otherwise. The translator brings literals to the storage SRID in SQL.
public struct FilterCRS: Sendable, Hashable {
    /// How to read the axis order of an EPSG CRS.
    public enum AxisOrder: Sendable, Hashable {
        /// As the EPSG registry defines it (OGC API Part 2/3): EPSG:4326 and 4490 are latitude,
        /// longitude; CGCS2000 Gauss-Krüger (EPSG:4491–4554) northing, easting.
        case authority
        /// Always x/longitude first.
        case longitudeFirst
    }

    /// The SRID of the coordinates as written.
    public var srid: Int32
    /// Whether coordinates are written (y, x) — latitude first, or northing first.
    public var swapsAxes: Bool
    /// Whether coordinates are degrees, so longitudes outside ±180 and latitudes outside ±90 are refused.
    public var isGeographic: Bool
    /// The URI, as the API names the CRS.
    public var uri: String

    public init(srid: Int32, swapsAxes: Bool, isGeographic: Bool, uri: String? = nil) {
        self.srid = srid
        self.swapsAxes = swapsAxes
        self.isGeographic = isGeographic
        self.uri = uri ?? "http://www.opengis.net/def/crs/EPSG/0/\(srid)"
    }

    public static let crs84 = FilterCRS(srid: 4326, swapsAxes: false, isGeographic: true, uri: "http://www.opengis.net/def/crs/OGC/1.3/CRS84")

    /// Geographic CRSs whose EPSG axis order is latitude, longitude (a list of common ones; pass
    /// ``init(srid:swapsAxes:isGeographic:uri:)`` for others).
    public static let latitudeFirst: Set<Int32> = [4326, 4490, 4258, 4269, 4214, 4610, 4612, 4283, 4167, 4674]

    /// Parses `filter-crs`: the CRS84 URI (or `CRS84`), `http://www.opengis.net/def/crs/EPSG/0/N`,
    /// `urn:ogc:def:crs:EPSG::N`, `EPSG:N` or `N`.
    public init(parsing text: String, axisOrder: AxisOrder = .authority) throws(CQL2Error) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let upper = trimmed.uppercased()
        if upper == "CRS84" || upper.hasSuffix("/OGC/1.3/CRS84") || upper == "URN:OGC:DEF:CRS:OGC:1.3:CRS84" {
            self = .crs84
            return
        }
        let digits: Substring
        if upper.hasPrefix("EPSG:"), !upper.hasPrefix("EPSG::") {
            digits = trimmed.dropFirst(5)
        } else if let range = upper.range(of: "EPSG::") ?? upper.range(of: "/EPSG/0/") {
            digits = trimmed[range.upperBound...]
        } else {
            digits = Substring(trimmed)
        }
        guard let code = Int32(digits), (1024...32767).contains(code) else {
            throw CQL2Error(
                .invalidValue, "filter-crs \(text) is not a CRS this server knows; use http://www.opengis.net/def/crs/OGC/1.3/CRS84 or an EPSG URI")
        }
        let geographic = Self.latitudeFirst.contains(code)
        let northFirst = geographic || (4491...4554).contains(code)
        self.init(
            srid: code, swapsAxes: axisOrder == .authority && northFirst, isGeographic: geographic,
            uri: "http://www.opengis.net/def/crs/EPSG/0/\(code)")
    }
}

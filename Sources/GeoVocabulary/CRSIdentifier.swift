import Foundation

/// The name of a coordinate reference system as requests and files give it: an EPSG code, or OGC's
/// CRS84 (WGS 84 longitude/latitude). One parser for every spelling the platform accepts:
/// `EPSG:4547`, `[EPSG:4547]`, `http://www.opengis.net/def/crs/EPSG/0/4547` (or `https`),
/// `urn:ogc:def:crs:EPSG::4547`, `CRS84`, `OGC:CRS84`, `…/def/crs/OGC/1.3/CRS84`,
/// `urn:ogc:def:crs:OGC:1.3:CRS84`.
///
/// It names a CRS; which CRSs a route offers, and their axis order, is the route's business.
public struct CRSIdentifier: Sendable, Hashable, CustomStringConvertible {
    /// The EPSG code; `nil` for CRS84.
    public let epsgCode: Int32?

    /// OGC CRS84: WGS 84 with longitude first.
    public static let crs84 = CRSIdentifier(epsgCode: nil)
    /// CGCS2000 geographic (EPSG:4490): the platform's storage CRS.
    public static let cgcs2000 = CRSIdentifier(epsg: 4490)

    /// The storage CRS of every geometry the platform keeps.
    public static let storageSRID: Int32 = 4490

    private init(epsgCode: Int32?) {
        self.epsgCode = epsgCode
    }

    public init(epsg code: Int32) {
        self.epsgCode = code
    }

    /// The identifier in `text`, or `nil` when it is none of the accepted spellings.
    public init?(parsing text: String) {
        var trimmed = Substring(text.trimmingCharacters(in: .whitespaces))
        if trimmed.hasPrefix("["), trimmed.hasSuffix("]") { trimmed = trimmed.dropFirst().dropLast() }
        let upper = trimmed.uppercased()
        if upper == "CRS84" || upper == "OGC:CRS84" || upper.hasSuffix("/OGC/1.3/CRS84") || upper == "URN:OGC:DEF:CRS:OGC:1.3:CRS84" {
            self = .crs84
            return
        }
        for prefix in ["HTTP://WWW.OPENGIS.NET/DEF/CRS/EPSG/0/", "HTTPS://WWW.OPENGIS.NET/DEF/CRS/EPSG/0/", "URN:OGC:DEF:CRS:EPSG::", "EPSG:"]
        where upper.hasPrefix(prefix) {
            guard let code = Int32(trimmed.dropFirst(prefix.count)), code > 0 else { return nil }
            self.init(epsg: code)
            return
        }
        return nil
    }

    /// The PostGIS SRID of the coordinates: the EPSG code, 4326 for CRS84 (same datum, x/y order).
    public var srid: Int32 { epsgCode ?? 4326 }

    /// The canonical URI, e.g. `http://www.opengis.net/def/crs/EPSG/0/4490`.
    public var uri: String {
        epsgCode.map { "http://www.opengis.net/def/crs/EPSG/0/\($0)" } ?? "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
    }

    /// `EPSG:n` or `CRS84`.
    public var description: String { epsgCode.map { "EPSG:\($0)" } ?? "CRS84" }
}

import Foundation

/// A coordinate reference system named by its EPSG code, or one of the Chinese internet-map
/// offsets (GCJ-02, BD-09), which are geographic and based on WGS 84.
public struct CoordinateReferenceSystem: Hashable, Sendable, CustomStringConvertible {
    /// The EPSG code; for GCJ-02 and BD-09, that of their base, WGS 84 (4326).
    public let epsg: Int
    /// The internet-map offset applied on top of ``epsg``, if any.
    public let offset: InternetMapOffset?

    public init(epsg: Int) {
        self.epsg = epsg
        self.offset = nil
    }

    /// An internet-map offset system (its base is WGS 84).
    public init(offset: InternetMapOffset) {
        self.epsg = 4326
        self.offset = offset
    }

    /// CGCS2000 geographic, the platform's canonical CRS.
    public static let cgcs2000 = CoordinateReferenceSystem(epsg: 4490)
    /// WGS 84 geographic.
    public static let wgs84 = CoordinateReferenceSystem(epsg: 4326)
    /// Web Mercator.
    public static let webMercator = CoordinateReferenceSystem(epsg: 3857)
    /// GCJ-02, the offset WGS 84 of Amap, Tencent and other Chinese maps.
    public static let gcj02 = CoordinateReferenceSystem(offset: .gcj02)
    /// BD-09, Baidu's further offset of GCJ-02.
    public static let bd09 = CoordinateReferenceSystem(offset: .bd09)

    /// Accepts `EPSG:4326`, `4326`, `urn:ogc:def:crs:EPSG::4326`, `http://www.opengis.net/def/crs/EPSG/0/4326`
    /// and `CRS84` (taken as WGS 84 in longitude/latitude order, which is the order used everywhere here);
    /// also `GCJ-02`/`GCJ02`/`GCJ_02` and `BD-09`/`BD09`/`BD09LL` (any case).
    public init?(parsing text: String) {
        // `EPSG:<code>` first, without Foundation: every reading's feed names its CRS this way.
        if text.utf8.starts(with: "EPSG:".utf8), let code = Int(text.dropFirst(5)) {
            guard (1024...32767).contains(code) else { return nil }
            self.init(epsg: code)
            return
        }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let upper = trimmed.uppercased()
        let compact = upper.replacingOccurrences(of: "-", with: "").replacingOccurrences(of: "_", with: "")
        if compact == "GCJ02" {
            self.init(offset: .gcj02)
            return
        }
        if compact == "BD09" || compact == "BD09LL" {
            self.init(offset: .bd09)
            return
        }
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

    public var description: String { offset?.rawValue ?? "EPSG:\(epsg)" }

    /// Whether coordinates are longitude/latitude in degrees (as opposed to projected metres).
    public var isGeographic: Bool {
        offset != nil || [4326, 4490, 4258, 4269, 4214, 4610].contains(epsg)
    }
}

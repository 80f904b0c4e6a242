import Geodesy

/// A coordinate reference system: an EPSG code, or any definition GDAL understands (WKT 1 or 2,
/// PROJJSON, a PROJ string, `ESRI:102100`, …). Axis order is always x/longitude then y/latitude.
public struct CRS: Sendable, Hashable, CustomStringConvertible {
    /// The EPSG code, when the CRS is, or was identified as, an EPSG one.
    public var epsg: Int?
    /// `EPSG:n` for EPSG CRSs; otherwise the definition text (WKT2 for CRSs read from files).
    public var definition: String

    public init(epsg: Int) {
        self.epsg = epsg
        self.definition = "EPSG:\(epsg)"
    }

    /// Accepts what `shikong import --crs` accepts: `EPSG:4547`, `4547`, OGC URNs and URLs, `CRS84`
    /// (the forms `Geodesy.CoordinateReferenceSystem(parsing:)` knows), plus `ESRI:n`, WKT, PROJJSON
    /// and PROJ strings. File names and other URLs are refused so user input never makes GDAL read
    /// files or the network. Whether GDAL knows the CRS is checked when it is used.
    public init?(parsing text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if let crs = CoordinateReferenceSystem(parsing: trimmed) {
            self.init(epsg: crs.epsg)
            return
        }
        let upper = trimmed.uppercased()
        let wktKeywords = [
            "GEOGCS[", "PROJCS[", "GEOCCS[", "COMPD_CS[", "VERT_CS[", "GEOGCRS[", "GEODCRS[", "PROJCRS[", "BOUNDCRS[",
            "COMPOUNDCRS[", "VERTCRS[", "GEOGRAPHICCRS[", "PROJECTEDCRS[",
        ]
        let isESRI = upper.hasPrefix("ESRI:") && Int(trimmed.dropFirst(5)) != nil
        let isWKT = wktKeywords.contains { upper.hasPrefix($0) }
        let isPROJ = trimmed.hasPrefix("+proj=")
        let isPROJJSON = trimmed.hasPrefix("{")
        guard isESRI || isWKT || isPROJ || isPROJJSON else { return nil }
        self.init(definition: trimmed, epsg: nil)
    }

    /// A CRS with a known definition and the EPSG code it was identified as, if any.
    init(definition: String, epsg: Int?) {
        self.definition = definition
        self.epsg = epsg
    }

    public init(_ crs: CoordinateReferenceSystem) {
        self.init(epsg: crs.epsg)
    }

    /// CGCS2000 geographic, the platform's canonical CRS.
    public static let cgcs2000 = CRS(epsg: 4490)
    /// WGS 84 geographic.
    public static let wgs84 = CRS(epsg: 4326)
    /// Web Mercator.
    public static let webMercator = CRS(epsg: 3857)

    /// `EPSG:n`, or the start of the definition.
    public var description: String {
        if let epsg { return "EPSG:\(epsg)" }
        return definition.count > 80 ? String(definition.prefix(77)) + "..." : definition
    }

    /// The Geodesy module's CRS, when this is an EPSG one.
    public var coordinateReferenceSystem: CoordinateReferenceSystem? {
        epsg.map(CoordinateReferenceSystem.init(epsg:))
    }
}

import CQL2
import GeoVocabulary

/// A coordinate reference system the API serves and accepts (OGC API Features Part 2, CRS by
/// reference): CRS84 (the default, longitude/latitude), CGCS2000 (EPSG:4490, storage), WGS 84
/// (EPSG:4326), Web Mercator (EPSG:3857) and the CGCS2000 Gauss-Krüger zones (EPSG:4491–4554).
///
/// Axis order follows the CRS definition, as Part 2 requires: EPSG:4490 and EPSG:4326 are
/// latitude, longitude; the Gauss-Krüger zones northing, easting; CRS84 and EPSG:3857 x first.
///
/// CGCS2000 and WGS 84 agree to a few centimetres and PROJ has no transformation between them (it
/// uses a null one), so CRS84 and EPSG:4326 coordinates are the stored ones, unconverted.
public struct SupportedCRS: Sendable, Hashable, CustomStringConvertible {
    /// The SRID of the coordinates, `4326` for CRS84.
    public let srid: Int32
    /// The canonical URI, e.g. `http://www.opengis.net/def/crs/EPSG/0/4490`.
    public let uri: String
    /// Whether coordinates are written (y, x): latitude or northing first.
    public let swapsAxes: Bool
    /// Degrees (true) or metres.
    public let isGeographic: Bool

    public static let storageSRID: Int32 = CRSIdentifier.storageSRID

    public static let crs84 = SupportedCRS(srid: 4326, uri: "http://www.opengis.net/def/crs/OGC/1.3/CRS84", swapsAxes: false, isGeographic: true)
    public static let cgcs2000 = SupportedCRS(epsg: 4490)

    init(srid: Int32, uri: String, swapsAxes: Bool, isGeographic: Bool) {
        self.srid = srid
        self.uri = uri
        self.swapsAxes = swapsAxes
        self.isGeographic = isGeographic
    }

    /// An EPSG code from the supported list (not checked here).
    init(epsg code: Int32) {
        let geographic = code == 4490 || code == 4326
        self.init(
            srid: code, uri: "http://www.opengis.net/def/crs/EPSG/0/\(code)", swapsAxes: geographic || (4491...4554).contains(code),
            isGeographic: geographic)
    }

    /// Every CRS offered, CRS84 first (the default).
    public static let all: [SupportedCRS] =
        [crs84, cgcs2000, SupportedCRS(epsg: 4326), SupportedCRS(epsg: 3857)] + (4491...4554).map { SupportedCRS(epsg: Int32($0)) }

    /// Their URIs, for a collection's `crs` list.
    public static let uris: [String] = all.map(\.uri)

    /// Parses a `crs`, `bbox-crs` or `filter-crs` value: any spelling ``CRSIdentifier`` reads (a
    /// URI, `EPSG:n`, `urn:ogc:def:crs:EPSG::n`, `CRS84`, a safe CURIE `[EPSG:n]`) of a CRS of the list.
    public init(parsing text: String, parameter: String) throws(FeatureStoreError) {
        let identifier = CRSIdentifier(parsing: text)
        if identifier == .crs84 {
            self = .crs84
            return
        }
        guard let code = identifier?.epsgCode, let crs = Self.all.first(where: { $0.srid == code && $0 != .crs84 }) else {
            throw FeatureStoreError(
                .badRequest,
                "\(parameter) \(text) is not a CRS this server offers; use http://www.opengis.net/def/crs/OGC/1.3/CRS84 (the default), or http://www.opengis.net/def/crs/EPSG/0/N for N = 4490, 4326, 3857 or 4491–4554 (CGCS2000 Gauss-Krüger)"
            )
        }
        self = crs
    }

    /// How a bbox in this CRS lists its numbers.
    public var axes: BoundingBox.Axes { BoundingBox.Axes(swapped: swapsAxes, geographic: isGeographic, crsName: uri) }

    /// The SQL for `column` (a geometry in the storage SRID) in this CRS, axes in its order.
    public func geometrySQL(_ column: String) -> String {
        var sql = column
        if srid != Self.storageSRID && srid != 4326 { sql = "ST_Transform(\(sql), \(srid))" }
        if swapsAxes { sql = "ST_FlipCoordinates(\(sql))" }
        return sql
    }

    /// The filter CRS the CQL2 translator reads literals (and `bbox`) in. CRS84 and EPSG:4326 are
    /// read as EPSG:4490, which PROJ converts with a null transformation anyway.
    public var filterCRS: FilterCRS {
        let geographicNull = srid == 4326 || srid == Self.storageSRID
        return FilterCRS(srid: geographicNull ? Self.storageSRID : srid, swapsAxes: swapsAxes, isGeographic: isGeographic, uri: uri)
    }

    /// `<uri>`, as the `Content-Crs` header carries it.
    public var header: String { "<\(uri)>" }

    public var description: String { uri }
}

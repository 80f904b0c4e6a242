/// How to read a source.
public struct ReadOptions: Sendable {
    /// The CRS of the coordinates, overriding what the file says (`shikong import --crs`).
    public var sourceCRS: CRS?
    /// The CRS assumed when the file says nothing and `sourceCRS` is not set (a CSV, a shapefile
    /// without `.prj`). WGS 84 by default: what GPS and most lon/lat tables hold.
    public var assumedCRS: CRS = .wgs84
    /// The CRS geometries are transformed to; `nil` keeps the source coordinates.
    public var targetCRS: CRS? = .cgcs2000
    /// Whether to fill `Geometry.geoJSON` (costs about as much as the WKB).
    public var includeGeoJSON = false
    /// Whether a feature without geometry (and, for CSV, without address) is handed out rather than
    /// reported as a row failure. Off: the importer needs a place for every row, and GDAL reads a
    /// malformed GeoJSON geometry as none at all.
    public var allowMissingGeometry = false
    /// Rejects geometries whose envelope (in the target CRS) fails it, as a row failure.
    public var boundsCheck: BoundsCheck?
    /// Columns for CSV coordinates, WKT and addresses.
    public var csv = CSVOptions()
    /// The text encoding of a shapefile's `.dbf` when it has no `.cpg` (e.g. `CP936` for GBK), and of a
    /// CSV. `nil`: shapefiles as GDAL decides (`.cpg`, else the `.dbf` language id); a CSV is UTF-8
    /// when its first megabyte is valid UTF-8, else GB18030 (which covers GBK and GB2312).
    public var encoding: String?
    /// The GDAL drivers that may open the file (short names). Limits what an uploaded file can make GDAL do.
    public var allowedDrivers: [String] = ReadOptions.supportedDrivers

    public init() {}

    /// The formats this module is tested with, plus a few GDAL reads just as well (FlatGeobuf,
    /// File Geodatabase, MapInfo) that are allowed but not covered by tests.
    public static let supportedDrivers = [
        "GPKG", "ESRI Shapefile", "GeoJSON", "GeoJSONSeq", "GML", "LIBKML", "KML", "CSV", "FlatGeobuf", "OpenFileGDB",
        "MapInfo File",
    ]
}

/// Which CSV columns hold the location. Names match case-insensitively; the first candidate present wins
/// for coordinates, and every address column present is used.
public struct CSVOptions: Sendable, Hashable {
    public var longitudeColumns = ["lon", "lng", "long", "longitude", "x", "经度"]
    public var latitudeColumns = ["lat", "latitude", "y", "纬度"]
    /// Columns holding WKT; a non-empty WKT value wins over lon/lat in the same row.
    public var wktColumns = ["wkt", "geometry", "geom", "the_geom", "shape"]
    /// Columns holding address text; their non-empty values are joined with `addressSeparator`.
    public var addressColumns = ["address", "addr", "full_address", "地址", "详细地址"]
    public var addressSeparator = ""

    public init() {}
}

/// A check of each geometry's envelope in the target CRS: `nil` accepts, a reason rejects the row.
public struct BoundsCheck: Sendable {
    public let check: @Sendable (Envelope) -> String?

    public init(_ check: @escaping @Sendable (Envelope) -> String?) {
        self.check = check
    }

    /// Accepts geometries that lie entirely within the box.
    public static func within(_ box: Envelope, name: String) -> BoundsCheck {
        BoundsCheck { envelope in
            box.contains(envelope) ? nil : "geometry (envelope \(envelope)) lies outside \(name) (\(box))"
        }
    }

    /// Mainland China, Hainan and the South China Sea islands with a margin, in degrees (the platform's
    /// default service area, `73,3,136,54`).
    public static let china = within(Envelope(minX: 73, minY: 3, maxX: 136, maxY: 54), name: "China")
}

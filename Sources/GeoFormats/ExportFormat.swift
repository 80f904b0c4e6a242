/// The formats the exporter writes.
public enum ExportFormat: Sendable, Hashable, CustomStringConvertible {
    /// GeoPackage: every field type, CRS, any geometry; the lossless one.
    case geoPackage
    /// A zipped ESRI Shapefile (`.shp.zip`), UTF-8 attributes with a `.cpg`.
    case shapefileZip
    /// CSV with the geometry as WKT or, for points, as lon/lat columns; UTF-8 with a byte-order mark.
    case csv(CSVGeometryEncoding)
    /// GeoJSON (the 2008 flavour when the CRS is not WGS 84, with a `crs` member naming it).
    case geoJSON

    /// Accepts `gpkg`, `geopackage`, `shp`, `shp.zip`, `shapefile`, `zip`, `csv` (WKT), `csv-lonlat`,
    /// `geojson`, `json` — the `f=` values of the export route.
    public init?(parsing text: String) {
        switch text.lowercased() {
        case "gpkg", "geopackage": self = .geoPackage
        case "shp", "shp.zip", "shapefile", "zip", "shpzip": self = .shapefileZip
        case "csv", "csv-wkt": self = .csv(.wkt)
        case "csv-lonlat", "csv-xy": self = .csv(.lonLat)
        case "geojson", "json": self = .geoJSON
        default: return nil
        }
    }

    /// The file name extension, without the dot: `gpkg`, `shp.zip`, `csv`, `geojson`.
    public var fileExtension: String {
        switch self {
        case .geoPackage: "gpkg"
        case .shapefileZip: "shp.zip"
        case .csv: "csv"
        case .geoJSON: "geojson"
        }
    }

    /// The media type for `Content-Type`.
    public var contentType: String {
        switch self {
        case .geoPackage: "application/geopackage+sqlite3"
        case .shapefileZip: "application/zip"
        case .csv: "text/csv; charset=utf-8"
        case .geoJSON: "application/geo+json"
        }
    }

    var driverName: String {
        switch self {
        case .geoPackage: "GPKG"
        case .shapefileZip: "ESRI Shapefile"
        case .csv: "CSV"
        case .geoJSON: "GeoJSON"
        }
    }

    public var description: String { fileExtension }
}

/// How CSV carries geometries.
public enum CSVGeometryEncoding: Sendable, Hashable {
    /// A `WKT` column first; any geometry type.
    case wkt
    /// `lon` and `lat` columns first (`x` and `y` for a projected target CRS); points only.
    case lonLat
}

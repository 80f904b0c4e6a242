import GeoFormats
import Hummingbird

/// What a response is written as, from `f=` (which wins) or the `Accept` header.
enum ResponseFormat: Equatable {
    /// JSON (GeoJSON for features): the OGC API responses.
    case json
    /// A file of the whole result: GeoPackage, zipped Shapefile, CSV or GeoJSON (items only).
    case export(ExportFormat)

    /// `f=json` (or none) gives JSON; for items, `f=gpkg|shp|csv|geojson` give exports.
    /// `Accept` picks an export by media type; anything else is JSON.
    static func negotiate(_ request: Request, exports: Bool) throws -> ResponseFormat {
        if let f = request.uri.queryParameters.get("f") {
            switch f.lowercased() {
            case "json", "application/json", "application/geo+json", "jsonfg": return .json
            default:
                if exports, let format = ExportFormat(parsing: f) { return .export(format) }
                let offered = exports ? "json (the default), geojson, gpkg, shp, csv or csv-lonlat" : "json"
                throw Problem(.badRequest, detail: "f=\(f) is not offered here; use f=\(offered)")
            }
        }
        if exports, let accept = request.headers[.accept]?.lowercased() {
            if accept.contains("application/geopackage+sqlite3") { return .export(.geoPackage) }
            if accept.contains("application/zip") || accept.contains("x-shapefile") { return .export(.shapefileZip) }
            if accept.contains("text/csv") && !accept.contains("json") { return .export(.csv(.wkt)) }
        }
        return .json
    }
}

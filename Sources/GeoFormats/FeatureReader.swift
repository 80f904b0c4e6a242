import CGDAL
import Foundation

/// Reads GIS files through GDAL/OGR: GeoPackage, Shapefile (also zipped), GeoJSON (and GeoJSONSeq),
/// GML, KML/KMZ and CSV (lon/lat or WKT columns, or address columns for the geocoder).
///
/// A reader owns an open GDAL dataset, which is not thread-safe: create it, read it and let it go on
/// **one OS thread** (it checks, and throws `.wrongThread` otherwise). It is not `Sendable`. Reading
/// blocks, so do not call it from Swift concurrency's cooperative threads for long; async code uses
/// `FeatureStream`, which runs a reader on a dedicated thread.
///
/// ```swift
/// let reader = try FeatureReader(path: "buildings.gpkg", options: options)
/// let cursor = try reader.cursor(layer: "buildings")
/// while let result = cursor.next() { … }
/// ```
public final class FeatureReader {
    /// The path as given.
    public let path: String
    /// GDAL's short name of the driver that opened it (`GPKG`, `ESRI Shapefile`, `CSV`, …).
    public let driver: String
    /// The layers, in the source's order.
    public let layers: [LayerInfo]
    let options: ReadOptions
    private(set) var dataset: GDALDatasetH?
    let affinity = ThreadAffinity()
    let text: TextDecoding

    /// Drivers whose feature count comes from metadata rather than from reading the data.
    static let cheapCountDrivers: Set<String> = ["GPKG", "ESRI Shapefile", "GeoJSON", "FlatGeobuf", "OpenFileGDB", "MapInfo File"]
    private var cursorLayers: Set<String> = []

    /// Opens the file (read-only) with one of `options.allowedDrivers`.
    public init(path: String, options: ReadOptions = ReadOptions()) throws(GeoFormatsError) {
        GDALLibrary.ensureRegistered()
        self.path = path
        self.options = options
        var text = TextDecoding(fallbackEncoding: options.encoding ?? "GB18030")
        let gdalPath = SourcePath.gdalPath(for: path)
        let capture = CPLCapture()
        let allowed = CStringList(options.allowedDrivers)
        let identified = capture.run {
            allowed.withPointer { GDALIdentifyDriverEx(gdalPath, UInt32(GDAL_OF_VECTOR), $0, nil) }
        }
        guard let identified else {
            throw GeoFormatsError(
                .open,
                "\(path): not a supported GIS file (\(options.allowedDrivers.joined(separator: ", ")))"
                    + (capture.summary.map { ": \($0)" } ?? ""))
        }
        let driverName = String(cString: GDALGetDriverShortName(identified))
        let openOptions = CStringList(Self.openOptions(driver: driverName, options: options))
        let flags = UInt32(GDAL_OF_VECTOR | GDAL_OF_READONLY | GDAL_OF_VERBOSE_ERROR)
        let opened = capture.run {
            CStringList([driverName]).withPointer { drivers in
                openOptions.withPointer { GDALOpenEx(gdalPath, flags, drivers, $0, nil) }
            }
        }
        guard let opened else {
            throw GeoFormatsError(.open, "\(path): GDAL's \(driverName) driver cannot open it: \(capture.summary ?? "no reason given")")
        }
        if driverName == "CSV" {
            text.recodeAll =
                options.encoding.map { $0.uppercased().replacingOccurrences(of: "-", with: "") != "UTF8" }
                ?? !TextDecoding.startsAsUTF8(gdalPath: gdalPath)
        }
        self.text = text
        self.dataset = opened
        self.driver = driverName
        let decoding = text
        let csv = options.csv
        self.layers = (0..<GDALDatasetGetLayerCount(opened)).compactMap { index in
            GDALDatasetGetLayer(opened, index).flatMap { Self.info(of: $0, driver: driverName, text: decoding, csv: csv) }
        }
    }

    public convenience init(url: URL, options: ReadOptions = ReadOptions()) throws(GeoFormatsError) {
        try self.init(path: url.path, options: options)
    }

    deinit {
        if let dataset { GDALClose(dataset) }
    }

    /// Closes the dataset now (the deinitialiser does it otherwise). Cursors stop returning features.
    public func close() {
        if let dataset { GDALClose(dataset) }
        dataset = nil
    }

    /// A cursor over one layer: the named one, or the only one. One cursor per layer at a time.
    public func cursor(layer name: String? = nil) throws(GeoFormatsError) -> FeatureCursor {
        try affinity.check("FeatureReader")
        let (handle, info) = try layer(named: name)
        guard cursorLayers.insert(info.name).inserted else {
            throw GeoFormatsError(.layer, "\(path): layer '\(info.name)' already has a cursor")
        }
        do {
            return try FeatureCursor(reader: self, layer: handle, info: info)
        } catch {
            cursorLayers.remove(info.name)
            throw error
        }
    }

    /// Counts a layer's features, reading the whole layer when the driver cannot say cheaply.
    public func countFeatures(layer name: String? = nil) throws(GeoFormatsError) -> Int {
        try affinity.check("FeatureReader")
        let (handle, _) = try layer(named: name)
        return Int(OGR_L_GetFeatureCount(handle, 1))
    }

    func cursorFinished(layer: String) {
        cursorLayers.remove(layer)
    }

    private func layer(named name: String?) throws(GeoFormatsError) -> (OGRLayerH, LayerInfo) {
        guard let dataset else { throw GeoFormatsError(.closed, "\(path) is closed") }
        let names = layers.map(\.name)
        let index: Int
        if let name {
            guard let found = names.firstIndex(of: name) else {
                throw GeoFormatsError(.layer, "\(path) has no layer '\(name)'; its layers: \(names.joined(separator: ", "))")
            }
            index = found
        } else {
            guard names.count == 1 else {
                let detail = names.isEmpty ? "it has no layers" : "name one of: \(names.joined(separator: ", "))"
                throw GeoFormatsError(.layer, "\(path) has \(names.count) layers; \(detail)")
            }
            index = 0
        }
        guard let handle = GDALDatasetGetLayer(dataset, Int32(index)) else {
            throw GeoFormatsError(.layer, "\(path): GDAL cannot open layer '\(names[index])'")
        }
        return (handle, layers[index])
    }

    private static func info(of layer: OGRLayerH, driver: String, text: TextDecoding, csv: CSVOptions) -> LayerInfo? {
        guard let definition = OGR_L_GetLayerDefn(layer) else { return nil }
        var decoder = FieldDecoder(definition: definition, text: text, pairOriginals: driver == "CSV")
        if driver == "CSV", let locator = CSVLocator(decoder: decoder, options: csv) {
            decoder.exclude(locator.geometryColumns)
        }
        // Some drivers count by reading everything even when told not to (CSV parses the whole file).
        let count = cheapCountDrivers.contains(driver) ? OGR_L_GetFeatureCount(layer, 0) : -1
        let declared = SpatialReference(cloning: OGR_L_GetSpatialRef(layer))?.identified()
        return LayerInfo(
            name: OGR_L_GetName(layer).map(text.string) ?? "",
            geometryType: driver == "CSV" ? .unknown : GeometryType(ogr: OGR_L_GetGeomType(layer)),
            fields: decoder.definitions(from: definition),
            declaredCRS: declared,
            featureCount: count >= 0 ? Int(count) : nil)
    }

    static func openOptions(driver: String, options: ReadOptions) -> [String] {
        switch driver {
        case "CSV":
            // Types detected from the first megabyte; each typed column gets a `<name>_original` text
            // twin so coordinates and values that do not fit the detected type keep their text.
            return [
                "AUTODETECT_TYPE=YES", "KEEP_SOURCE_COLUMNS=YES", "QUOTED_FIELDS_AS_STRING=YES", "EMPTY_STRING_AS_NULL=YES",
                "HEADERS=YES",
            ]
        case "ESRI Shapefile":
            return options.encoding.map { ["ENCODING=\($0)"] } ?? []
        default:
            return []
        }
    }
}

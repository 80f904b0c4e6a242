import CGDAL
import Foundation

/// Writes features to a GeoPackage, zipped Shapefile, CSV or GeoJSON file.
///
/// GeoPackage, Shapefile and GeoJSON go through GDAL/OGR; CSV is written here (GDAL 3.6's CSV writer
/// quotes integers and cuts coordinates to 15 digits, which would not read back as they were).
/// Geometries are transformed with OGR either way.
///
/// Like `FeatureReader`, a writer holds GDAL objects: create it, write to it and finish it on **one OS
/// thread**; it is not `Sendable`. Async code uses `FeatureExport`, which runs a writer on a dedicated
/// thread. `write` throws `.featureRejected` for a feature the format cannot take (the writer stays
/// usable) and `.write` when the output itself failed.
public final class FeatureWriter {
    public let format: ExportFormat
    public let options: WriteOptions
    /// Declared names the format changed.
    public let renamedFields: [FieldRename]
    /// Features written so far.
    public private(set) var featureCount = 0

    private var sink: (any FeatureSink)?
    private let url: URL
    private let temporaryDirectory: URL?
    private let transformation: CoordinateTransformation?
    private let positions: [String: Int]
    private let capture = CPLCapture()
    private let affinity = ThreadAffinity()
    private var warnings = WarningLog()
    private var undeclared = Set<String>()

    public init(format: ExportFormat, options: WriteOptions) throws(GeoFormatsError) {
        GDALLibrary.ensureRegistered()
        self.format = format
        self.options = options

        let directory: URL
        if let chosen = options.directory {
            directory = chosen
            temporaryDirectory = nil
        } else {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("shikong-export-\(UUID().uuidString)")
            temporaryDirectory = directory
        }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw GeoFormatsError(.create, "cannot create \(directory.path): \(error)")
        }
        let stem = Self.fileStem(options.fileName ?? options.layerName)
        url = directory.appendingPathComponent("\(stem).\(format.fileExtension)")
        try? FileManager.default.removeItem(at: url)

        let target = try SpatialReference(options.targetCRS)
        let source = try SpatialReference(options.sourceCRS)
        transformation = source.isSame(as: target) ? nil : try CoordinateTransformation(from: source, to: target)
        positions = Dictionary(options.fields.enumerated().map { ($0.element.name, $0.offset) }, uniquingKeysWith: { first, _ in first })

        let sink: any FeatureSink
        switch format {
        case .csv(let encoding):
            let geographic = options.targetCRS.coordinateReferenceSystem?.isGeographic ?? false
            sink = try CSVSink(url: url, fields: options.fields, geometry: encoding, geographic: geographic)
        case .geoPackage, .shapefileZip, .geoJSON:
            let ogr = try OGRSink(
                url: url, format: format, layerName: format == .shapefileZip ? stem : options.layerName, options: options, target: target,
                capture: capture)
            for warning in ogr.creationWarnings { warnings.add(warning) }
            sink = ogr
        }
        self.sink = sink
        renamedFields = sink.renamedFields
    }

    deinit {
        if let sink {
            sink.abandon()
            try? FileManager.default.removeItem(at: temporaryDirectory ?? url)
        }
    }

    /// Writes one feature: its properties by name into the declared fields (others are skipped with a
    /// warning), each coerced to its field's type where it is not already (text "2024-03-01" into a date
    /// field, 3.0 into an integer one; a value that cannot be is written as null with a warning), its WKB
    /// geometry transformed from `sourceCRS` to `targetCRS`.
    public func write(_ feature: Feature) throws(GeoFormatsError) {
        try affinity.check("FeatureWriter")
        guard let sink else { throw GeoFormatsError(.closed, "the \(format) writer is finished") }
        var values = [FieldValue](repeating: .null, count: options.fields.count)
        for property in feature.properties {
            guard let position = positions[property.name] else {
                if undeclared.insert(property.name).inserted {
                    warnings.add("property '\(property.name)' is not among the declared fields and was not written")
                }
                continue
            }
            let type = options.fields[position].type
            if let value = property.value.coerced(to: type) {
                values[position] = value
            } else {
                // An export keeps every feature: a value that is not of its column's type becomes null, once noted.
                warnings.add("values of '\(property.name)' that are not a valid \(type.rawValue) were written as null")
            }
        }
        var geometry: OGRGeometryH?
        if let wkb = feature.geometry?.wkb {
            geometry = try transformed(wkb)
        }
        let label = feature.row > 0 ? "row \(feature.row)" : "feature #\(featureCount + 1)"
        do throws(GeoFormatsError) {
            try sink.write(values: values, geometry: geometry, fid: feature.fid, capture: capture, warnings: &warnings)
        } catch {
            throw GeoFormatsError(error.code, "\(label): \(error.message)")
        }
        featureCount += 1
    }

    /// Flushes and closes the file. The writer cannot be used afterwards.
    public func finish() throws(GeoFormatsError) -> ExportedFile {
        try affinity.check("FeatureWriter")
        guard let sink else { throw GeoFormatsError(.closed, "the \(format) writer is finished") }
        self.sink = nil
        do throws(GeoFormatsError) {
            try sink.finish(capture: capture, warnings: &warnings)
        } catch {
            try? FileManager.default.removeItem(at: temporaryDirectory ?? url)
            throw error
        }
        let size = ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? Int) ?? 0
        return ExportedFile(
            url: url, format: format, suggestedFileName: url.lastPathComponent, featureCount: featureCount, byteCount: size,
            renamedFields: renamedFields, warnings: warnings.lines, temporaryDirectory: temporaryDirectory)
    }

    /// Parses the WKB and transforms it to the target CRS; the caller owns the result.
    private func transformed(_ wkb: Data) throws(GeoFormatsError) -> OGRGeometryH {
        let (parsed, error) = GeometryExport.ogrGeometry(from: wkb)
        guard let parsed else { throw GeoFormatsError(.featureRejected, error ?? "the WKB cannot be parsed") }
        if let transformation {
            let result = capture.run { OGR_G_Transform(parsed, transformation.handle) }
            guard result == OGRERR_NONE else {
                OGR_G_DestroyGeometry(parsed)
                throw GeoFormatsError(
                    .featureRejected,
                    "cannot transform the geometry from \(options.sourceCRS) to \(options.targetCRS): \(capture.summary ?? "PROJ gave no result")")
            }
        }
        return parsed
    }

    /// The layer name as a file name: path separators and control characters replaced, Chinese kept.
    static func fileStem(_ name: String) -> String {
        let forbidden = Set("/\\:*?\"<>|")
        let cleaned = String(name.map { forbidden.contains($0) || $0.isNewline || $0.asciiValue.map { $0 < 0x20 } == true ? "_" : $0 })
            .trimmingCharacters(in: .whitespaces)
        let stem = cleaned.hasPrefix(".") ? "_" + cleaned.dropFirst() : cleaned
        return stem.isEmpty ? "export" : String(stem.prefix(100))
    }
}

/// Where a writer's features go: an OGR dataset or a CSV file.
protocol FeatureSink: AnyObject {
    var renamedFields: [FieldRename] { get }
    /// Writes one feature. `values` follow the declared fields; the sink takes ownership of `geometry`.
    func write(values: [FieldValue], geometry: OGRGeometryH?, fid: Int64?, capture: CPLCapture, warnings: inout WarningLog) throws(GeoFormatsError)
    func finish(capture: CPLCapture, warnings: inout WarningLog) throws(GeoFormatsError)
    /// Closes without finishing (the writer was dropped); the writer deletes the file.
    func abandon()
}

/// Distinct warnings in order, with a count for repeats, capped so a million truncations stay readable.
struct WarningLog {
    private var counts: [String: Int] = [:]
    private var order: [String] = []
    static let limit = 50

    mutating func add(_ text: String) {
        if let count = counts[text] {
            counts[text] = count + 1
        } else if order.count < Self.limit {
            counts[text] = 1
            order.append(text)
        }
    }

    var lines: [String] {
        order.map { text in
            let count = counts[text] ?? 1
            return count > 1 ? "\(text) (\(count) times)" : text
        }
    }
}

import CGDAL
import Foundation

/// Writes features to a GeoPackage, zipped Shapefile, CSV or GeoJSON file through GDAL/OGR.
///
/// Like `FeatureReader`, a writer owns a GDAL dataset: create it, write to it and finish it on **one OS
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

    private var dataset: GDALDatasetH?
    private let layer: OGRLayerH
    private let definition: OGRFeatureDefnH
    private let url: URL
    private let temporaryDirectory: URL?
    private let transformation: CoordinateTransformation?
    private let columns: [String: Column]
    private let lonLatColumns: (x: Int32, y: Int32)?
    private let capture = CPLCapture()
    private let affinity = ThreadAffinity()
    private var warnings = WarningLog()
    private var inTransaction = false
    private var undeclared = Set<String>()

    private struct Column {
        var index: Int32
        /// What the file stores: a date-time goes into a text column in a shapefile.
        var storesText: Bool
    }

    /// GeoPackage writes are grouped into transactions of this many features.
    static let transactionSize = 50_000

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

        guard let driver = GDALGetDriverByName(format.driverName) else {
            throw GeoFormatsError(.create, "GDAL has no \(format.driverName) driver")
        }
        let path = url.path
        let created = capture.run { GDALCreate(driver, path, 0, 0, 0, GDT_Unknown, nil) }
        guard let created else {
            throw GeoFormatsError(.create, "cannot create \(path): \(capture.summary ?? "GDAL gave no reason")")
        }
        dataset = created

        let layerName = format == .shapefileZip ? stem : options.layerName
        let layerOptions = CStringList(Self.layerOptions(for: format))
        let geometryType = Self.layerGeometryType(options.geometryType, format: format)
        let createdLayer = capture.run {
            layerOptions.withMutablePointer { GDALDatasetCreateLayer(created, layerName, target.handle, geometryType, $0) }
        }
        guard let createdLayer, let definition = OGR_L_GetLayerDefn(createdLayer) else {
            GDALClose(created)
            dataset = nil
            throw GeoFormatsError(.create, "cannot create layer '\(layerName)' in \(path): \(capture.summary ?? "GDAL gave no reason")")
        }
        layer = createdLayer
        self.definition = definition

        // CSV lon/lat columns come first; they are written as plain numbers, not as OGR geometry.
        var reserved: [String] = []
        switch format {
        case .csv(.lonLat):
            let geographic = options.targetCRS.coordinateReferenceSystem?.isGeographic ?? false
            let names = geographic ? ("lon", "lat") : ("x", "y")
            for name in [names.0, names.1] {
                try Self.createField(FieldDefinition(name, .real), named: name, in: createdLayer, format: format, capture: capture)
            }
            lonLatColumns = (0, 1)
            reserved = [names.0, names.1]
        case .csv(.wkt):
            lonLatColumns = nil
            reserved = ["WKT"]
        case .geoPackage:
            lonLatColumns = nil
            reserved = ["fid", "geom"]
        case .shapefileZip, .geoJSON:
            lonLatColumns = nil
        }

        let declared = options.fields.map(\.name)
        let fitted = FieldNaming.names(for: declared, format: format, reserved: reserved)
        var columns: [String: Column] = [:]
        var renamed: [FieldRename] = []
        for (field, name) in zip(options.fields, fitted) {
            let stored = try Self.createField(field, named: name, in: createdLayer, format: format, capture: capture)
            let index = OGR_FD_GetFieldCount(definition) - 1
            let written = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(definition, index)).map { String(cString: $0) } ?? name
            if written != field.name { renamed.append(FieldRename(declared: field.name, written: written)) }
            columns[field.name] = Column(index: index, storesText: stored == OFTString && field.type != .string)
        }
        self.columns = columns
        self.renamedFields = renamed
        for message in capture.messages where !message.isFailure { warnings.add(message.text) }

        if format == .geoPackage {
            inTransaction = GDALDatasetStartTransaction(created, 0) == OGRERR_NONE
        }
    }

    deinit {
        if let dataset {
            GDALClose(dataset)
            try? FileManager.default.removeItem(at: temporaryDirectory ?? url)
        }
    }

    /// Writes one feature: its properties by name into the declared fields (others are skipped with a
    /// warning), its WKB geometry transformed from `sourceCRS` to `targetCRS`.
    public func write(_ feature: Feature) throws(GeoFormatsError) {
        try affinity.check("FeatureWriter")
        guard let dataset else { throw GeoFormatsError(.closed, "the \(format) writer is finished") }
        guard let handle = OGR_F_Create(definition) else { throw GeoFormatsError(.write, "cannot allocate a feature") }
        defer { OGR_F_Destroy(handle) }
        if let fid = feature.fid, format == .geoPackage { OGR_F_SetFID(handle, fid) }
        for property in feature.properties {
            guard let column = columns[property.name] else {
                if undeclared.insert(property.name).inserted {
                    warnings.add("property '\(property.name)' is not among the declared fields and was not written")
                }
                continue
            }
            set(property.value, column: column, in: handle)
        }
        if let geometry = feature.geometry {
            try setGeometry(geometry, in: handle)
        }
        let result = capture.run { OGR_L_CreateFeature(layer, handle) }
        for message in capture.messages where !message.isFailure { warnings.add(message.text) }
        guard result == OGRERR_NONE else {
            throw GeoFormatsError(.featureRejected, "feature \(feature.row > 0 ? "row \(feature.row)" : "#\(featureCount + 1)"): "
                + (capture.failureSummary ?? "the \(format) driver refused it (OGR error \(result))"))
        }
        featureCount += 1
        if inTransaction, featureCount % Self.transactionSize == 0 {
            let committed = capture.run { GDALDatasetCommitTransaction(dataset) }
            guard committed == OGRERR_NONE else {
                throw GeoFormatsError(.write, "cannot commit to \(url.lastPathComponent): \(capture.summary ?? "GDAL gave no reason")")
            }
            inTransaction = GDALDatasetStartTransaction(dataset, 0) == OGRERR_NONE
        }
    }

    /// Flushes and closes the file. The writer cannot be used afterwards.
    public func finish() throws(GeoFormatsError) -> ExportedFile {
        try affinity.check("FeatureWriter")
        guard let dataset else { throw GeoFormatsError(.closed, "the \(format) writer is finished") }
        if inTransaction {
            let committed = capture.run { GDALDatasetCommitTransaction(dataset) }
            guard committed == OGRERR_NONE else {
                throw GeoFormatsError(.write, "cannot commit to \(url.lastPathComponent): \(capture.summary ?? "GDAL gave no reason")")
            }
        }
        capture.run { GDALClose(dataset) }
        self.dataset = nil
        if let failure = capture.failureSummary {
            throw GeoFormatsError(.write, "closing \(url.lastPathComponent) failed: \(failure)")
        }
        for message in capture.messages { warnings.add(message.text) }
        let size = ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? Int) ?? 0
        return ExportedFile(
            url: url, format: format, suggestedFileName: url.lastPathComponent, featureCount: featureCount, byteCount: size,
            renamedFields: renamedFields, warnings: warnings.lines, temporaryDirectory: temporaryDirectory)
    }

    private func set(_ value: FieldValue, column: Column, in handle: OGRFeatureH) {
        let index = column.index
        switch value {
        case .null: OGR_F_SetFieldNull(handle, index)
        case .string(let text): OGR_F_SetFieldString(handle, index, text)
        case .integer(let number): OGR_F_SetFieldInteger64(handle, index, number)
        case .real(let number): OGR_F_SetFieldDouble(handle, index, number)
        case .boolean(let flag): OGR_F_SetFieldInteger(handle, index, flag ? 1 : 0)
        case .date(let date):
            OGR_F_SetFieldDateTimeEx(handle, index, Int32(date.year), Int32(date.month), Int32(date.day), 0, 0, 0, 0)
        case .dateTime(let time) where column.storesText:
            OGR_F_SetFieldString(handle, index, time.description)
        case .dateTime(let time):
            let flag: Int32 =
                switch time.zone {
                case .unknown: 0
                case .local: 1
                case .offset(let minutes): Int32(100 + minutes / 15)
                }
            let seconds = Float(time.second) + Float(time.millisecond) / 1000
            OGR_F_SetFieldDateTimeEx(
                handle, index, Int32(time.date.year), Int32(time.date.month), Int32(time.date.day), Int32(time.hour), Int32(time.minute),
                seconds, flag)
        }
    }

    private func setGeometry(_ geometry: Geometry, in handle: OGRFeatureH) throws(GeoFormatsError) {
        let (parsed, error) = GeometryExport.ogrGeometry(from: geometry.wkb)
        guard let parsed else { throw GeoFormatsError(.featureRejected, error ?? "the WKB cannot be parsed") }
        var owned: OGRGeometryH? = parsed
        defer { if let owned { OGR_G_DestroyGeometry(owned) } }
        if let transformation {
            let result = capture.run { OGR_G_Transform(parsed, transformation.handle) }
            guard result == OGRERR_NONE else {
                throw GeoFormatsError(
                    .featureRejected,
                    "cannot transform the geometry from \(options.sourceCRS) to \(options.targetCRS): \(capture.summary ?? "PROJ gave no result")")
            }
        }
        if let (x, y) = lonLatColumns {
            guard OGR_GT_Flatten(OGR_G_GetGeometryType(parsed)) == wkbPoint, OGR_G_IsEmpty(parsed) == 0 else {
                throw GeoFormatsError(
                    .featureRejected, "CSV with lon/lat columns holds points only; this is a \(GeometryType(ogr: OGR_G_GetGeometryType(parsed)))")
            }
            OGR_F_SetFieldDouble(handle, x, OGR_G_GetX(parsed, 0))
            OGR_F_SetFieldDouble(handle, y, OGR_G_GetY(parsed, 0))
            return
        }
        OGR_F_SetGeometryDirectly(handle, parsed)
        owned = nil
    }

    /// Creates a field with the type the format can hold; returns the OGR type used.
    @discardableResult
    private static func createField(
        _ field: FieldDefinition, named name: String, in layer: OGRLayerH, format: ExportFormat, capture: CPLCapture
    ) throws(GeoFormatsError) -> OGRFieldType {
        let isShapefile = format == .shapefileZip
        var type: OGRFieldType
        var subtype = OFSTNone
        var width = Int32(field.width)
        switch field.type {
        case .string:
            type = OFTString
            // A shapefile string column is 80 characters unless told otherwise; 254 is the most a .dbf holds.
            if isShapefile { width = width > 0 ? min(width, 254) : 254 }
        case .integer: type = OFTInteger64
        case .real: type = OFTReal
        case .boolean:
            type = OFTInteger
            subtype = OFSTBoolean
        case .date: type = OFTDate
        case .dateTime:
            // A .dbf has no date-time type: keep the full ISO 8601 text rather than GDAL's date-only column.
            type = isShapefile ? OFTString : OFTDateTime
            if isShapefile { width = 29 }
        }
        guard let definition = OGR_Fld_Create(name, type) else { throw GeoFormatsError(.create, "cannot allocate field '\(name)'") }
        defer { OGR_Fld_Destroy(definition) }
        OGR_Fld_SetSubType(definition, subtype)
        if width > 0 { OGR_Fld_SetWidth(definition, width) }
        if field.precision > 0, field.type == .real { OGR_Fld_SetPrecision(definition, Int32(field.precision)) }
        let result = capture.run { OGR_L_CreateField(layer, definition, 1) }
        guard result == OGRERR_NONE else {
            throw GeoFormatsError(.create, "cannot create field '\(name)' (\(field.type)): \(capture.summary ?? "GDAL gave no reason")")
        }
        return type
    }

    static func layerOptions(for format: ExportFormat) -> [String] {
        switch format {
        case .geoPackage: ["FID=fid", "GEOMETRY_NAME=geom"]
        case .shapefileZip: ["ENCODING=UTF-8", "RESIZE=YES"]
        case .csv(.wkt): ["GEOMETRY=AS_WKT", "WRITE_BOM=YES"]
        case .csv(.lonLat): ["WRITE_BOM=YES"]
        case .geoJSON: ["RFC7946=NO", "WRITE_BBOX=NO"]
        }
    }

    static func layerGeometryType(_ type: GeometryType, format: ExportFormat) -> OGRwkbGeometryType {
        if case .csv(.lonLat) = format { return wkbNone }
        return type == .unknown ? wkbUnknown : type.ogrType
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

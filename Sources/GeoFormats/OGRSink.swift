import CGDAL
import Foundation

/// Writes features into a GDAL dataset: GeoPackage, zipped Shapefile or GeoJSON.
final class OGRSink: FeatureSink {
    let renamedFields: [FieldRename]
    /// What GDAL warned about while creating the file, its layer and fields.
    private(set) var creationWarnings: [String] = []
    private var dataset: GDALDatasetH?
    private let layer: OGRLayerH
    private let definition: OGRFeatureDefnH
    private let format: ExportFormat
    private let url: URL
    /// Field index in the layer and whether it stores text, per declared field.
    private let columns: [(index: Int32, storesText: Bool)]
    private var inTransaction = false
    private var sinceCommit = 0

    /// GeoPackage writes are grouped into transactions of this many features.
    static let transactionSize = 50_000

    init(url: URL, format: ExportFormat, layerName: String, options: WriteOptions, target: SpatialReference, capture: CPLCapture)
        throws(GeoFormatsError)
    {
        self.format = format
        self.url = url
        guard let driver = GDALGetDriverByName(format.driverName) else {
            throw GeoFormatsError(.create, "GDAL has no \(format.driverName) driver")
        }
        let path = url.path
        let created = capture.run { GDALCreate(driver, path, 0, 0, 0, GDT_Unknown, nil) }
        guard let created else {
            throw GeoFormatsError(.create, "cannot create \(path): \(capture.summary ?? "GDAL gave no reason")")
        }
        let layerOptions = CStringList(Self.layerOptions(for: format))
        let geometryType = options.geometryType == .unknown ? wkbUnknown : options.geometryType.ogrType
        let createdLayer = capture.run {
            layerOptions.withMutablePointer { GDALDatasetCreateLayer(created, layerName, target.handle, geometryType, $0) }
        }
        creationWarnings += capture.messages.filter { !$0.isFailure }.map(\.text)
        guard let createdLayer, let definition = OGR_L_GetLayerDefn(createdLayer) else {
            GDALClose(created)
            throw GeoFormatsError(.create, "cannot create layer '\(layerName)' in \(path): \(capture.summary ?? "GDAL gave no reason")")
        }
        dataset = created
        layer = createdLayer
        self.definition = definition

        let reserved = format == .geoPackage ? ["fid", "geom"] : []
        let fitted = FieldNaming.names(for: options.fields.map(\.name), format: format, reserved: reserved)
        var columns: [(index: Int32, storesText: Bool)] = []
        var renamed: [FieldRename] = []
        for (field, name) in zip(options.fields, fitted) {
            let stored: OGRFieldType
            do throws(GeoFormatsError) {
                stored = try Self.createField(field, named: name, in: createdLayer, format: format, capture: capture)
            } catch {
                GDALClose(created)
                dataset = nil
                throw error
            }
            creationWarnings += capture.messages.filter { !$0.isFailure }.map(\.text)
            let index = OGR_FD_GetFieldCount(definition) - 1
            let written = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(definition, index)).map { String(cString: $0) } ?? name
            if written != field.name { renamed.append(FieldRename(declared: field.name, written: written)) }
            columns.append((index, stored == OFTString && field.type != .string))
        }
        self.columns = columns
        renamedFields = renamed
        if format == .geoPackage {
            inTransaction = GDALDatasetStartTransaction(created, 0) == OGRERR_NONE
        }
    }

    deinit {
        abandon()
    }

    func abandon() {
        if let dataset { GDALClose(dataset) }
        dataset = nil
    }

    func write(values: [FieldValue], geometry: OGRGeometryH?, fid: Int64?, capture: CPLCapture, warnings: inout WarningLog)
        throws(GeoFormatsError)
    {
        guard let dataset, let handle = OGR_F_Create(definition) else {
            if let geometry { OGR_G_DestroyGeometry(geometry) }
            throw GeoFormatsError(.write, "cannot allocate a feature")
        }
        defer { OGR_F_Destroy(handle) }
        if let geometry { OGR_F_SetGeometryDirectly(handle, geometry) }
        if let fid, format == .geoPackage { OGR_F_SetFID(handle, fid) }
        for (value, column) in zip(values, columns) {
            set(value, index: column.index, storesText: column.storesText, in: handle)
        }
        let result = capture.run { OGR_L_CreateFeature(layer, handle) }
        for message in capture.messages where !message.isFailure { warnings.add(message.text) }
        guard result == OGRERR_NONE else {
            throw GeoFormatsError(.featureRejected, capture.failureSummary ?? "the \(format) driver refused it (OGR error \(result))")
        }
        sinceCommit += 1
        if inTransaction, sinceCommit >= Self.transactionSize {
            sinceCommit = 0
            let committed = capture.run { GDALDatasetCommitTransaction(dataset) }
            guard committed == OGRERR_NONE else {
                throw GeoFormatsError(.write, "cannot commit to \(url.lastPathComponent): \(capture.summary ?? "GDAL gave no reason")")
            }
            inTransaction = GDALDatasetStartTransaction(dataset, 0) == OGRERR_NONE
        }
    }

    func finish(capture: CPLCapture, warnings: inout WarningLog) throws(GeoFormatsError) {
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
    }

    private func set(_ value: FieldValue, index: Int32, storesText: Bool, in handle: OGRFeatureH) {
        switch value {
        case .null: OGR_F_SetFieldNull(handle, index)
        case .string(let text): OGR_F_SetFieldString(handle, index, text)
        case .integer(let number): OGR_F_SetFieldInteger64(handle, index, number)
        case .real(let number): OGR_F_SetFieldDouble(handle, index, number)
        case .boolean(let flag): OGR_F_SetFieldInteger(handle, index, flag ? 1 : 0)
        case .date(let date):
            OGR_F_SetFieldDateTimeEx(handle, index, Int32(date.year), Int32(date.month), Int32(date.day), 0, 0, 0, 0)
        case .dateTime(let time) where storesText:
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

    /// Creates a field with the type the format can hold; returns the OGR type used.
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
            // A shapefile string column is 80 characters unless told otherwise; 254 bytes is the most a
            // .dbf holds (RESIZE=YES shrinks the columns to what was used when the file is closed).
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
        case .geoJSON: ["RFC7946=NO", "WRITE_BBOX=NO"]
        case .csv: []
        }
    }
}

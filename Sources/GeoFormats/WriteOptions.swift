import Foundation

/// What to write: the layer, its declared schema and the CRSs.
public struct WriteOptions: Sendable {
    /// The layer (GeoPackage table, GeoJSON `name`) and, unless `fileName` says otherwise, the file name.
    public var layerName: String
    /// The attribute columns, in order. Types come from here, not from the values, so they survive
    /// even when every value of a column is null.
    public var fields: [FieldDefinition]
    /// The geometry type, or `.unknown` for mixed (a shapefile then takes the type of its first feature).
    public var geometryType: GeometryType = .unknown
    /// The CRS of the WKB handed to `write` (the platform stores EPSG:4490).
    public var sourceCRS: CRS = .cgcs2000
    /// The CRS of the file.
    public var targetCRS: CRS = .cgcs2000
    /// Where the file goes; `nil` makes a new temporary directory, removed by `ExportedFile.remove()`.
    public var directory: URL?
    /// The file name without extension; `nil` uses `layerName` with path characters replaced.
    public var fileName: String?

    public init(layerName: String, fields: [FieldDefinition], geometryType: GeometryType = .unknown) {
        self.layerName = layerName
        self.fields = fields
        self.geometryType = geometryType
    }
}

/// A declared field whose name the format could not keep (a shapefile's 10-byte limit).
public struct FieldRename: Sendable, Hashable, CustomStringConvertible {
    public var declared: String
    public var written: String

    public init(declared: String, written: String) {
        self.declared = declared
        self.written = written
    }

    public var description: String { "'\(declared)' → '\(written)'" }
}

/// A finished export, on disk, for the HTTP layer to stream and then remove.
public struct ExportedFile: Sendable {
    public var url: URL
    public var format: ExportFormat
    /// `layer.gpkg`, `layer.shp.zip`, …, for `Content-Disposition`.
    public var suggestedFileName: String
    public var featureCount: Int
    public var byteCount: Int
    /// Field names the format changed; empty when all survived.
    public var renamedFields: [FieldRename]
    /// What GDAL warned about while writing (truncated values, type conversions), deduplicated.
    public var warnings: [String]
    /// The temporary directory the writer made, removed by `remove()`; `nil` when the caller chose it.
    public var temporaryDirectory: URL?

    public var contentType: String { format.contentType }

    /// The file's bytes.
    public func data() throws -> Data {
        try Data(contentsOf: url)
    }

    /// Deletes the file and, when the writer created it, its temporary directory.
    public func remove() throws {
        try FileManager.default.removeItem(at: temporaryDirectory ?? url)
    }
}

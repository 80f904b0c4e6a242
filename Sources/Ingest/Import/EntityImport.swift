import Events
import Foundation

/// What to import and how (`shikong import`, `POST /imports`).
public struct EntityImport: Sendable, Codable {
    /// How features missing from the file are treated.
    public enum Mode: String, Sendable, CaseIterable, Codable {
        /// The file is the whole source: entities it imported before and no longer holds are retired.
        case full
        /// The file adds and changes features; nothing is retired.
        case append
    }

    public var file: URL
    /// The name the source is known by (default: the file name), so a re-import of the same source
    /// is recognised even from another directory.
    public var sourceName: String
    public var collection: String
    public var layer: String?
    /// Overrides the file's CRS: an EPSG code or URI, or `GCJ-02`/`BD-09` for internet-map offsets.
    public var crs: String?
    /// The attribute holding the stable entity id; default the source's feature id, else the row number.
    public var idField: String?
    /// Valid time of the imported state, unless `validFromField` gives one per feature; default: now.
    public var validFrom: Date?
    public var validFromField: String?
    public var mode: Mode = .full
    /// Keep features outside the service area (default: they are dead letters).
    public var allowOutsideServiceArea = false
    /// Three-domain attribute labels for the collection's entities.
    public var labels = AttributeLabels(domain: "base", theme: "entities")
    /// Address columns of a CSV (default: the usual names).
    public var addressColumns: [String]?

    public init(file: URL, collection: String) {
        self.file = file
        self.sourceName = file.lastPathComponent
        self.collection = collection
    }
}

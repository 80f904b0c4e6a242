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
    /// The source (dataset) the file is an edition of, which a full import compares with and retires
    /// from: by default the collection (one dataset, one collection), so a new edition under a new
    /// file name (`parcels_2026.shp` after `parcels_2025.shp`) retires what the city deleted. Name it
    /// (`--source`) when several sources feed one collection; each is then compared only with itself.
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

    /// The file's own name, as jobs and events report it.
    public var fileName: String { file.lastPathComponent }

    public init(file: URL, collection: String) {
        self.file = file
        self.sourceName = collection
        self.collection = collection
    }
}

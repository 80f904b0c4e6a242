/// What a layer holds, known before reading it.
public struct LayerInfo: Sendable, Hashable {
    public var name: String
    /// Declared geometry type; `.unknown` when mixed or not declared.
    public var geometryType: GeometryType
    /// Attribute columns in order (for CSV: without the coordinate and WKT columns).
    public var fields: [FieldDefinition]
    /// The CRS the file declares, `nil` when it declares none.
    public var declaredCRS: CRS?
    /// Number of features when the driver knows it without reading the data (GeoPackage, Shapefile,
    /// GeoJSON, FlatGeobuf, File Geodatabase, MapInfo; not CSV, GeoJSONSeq, GML, KML): for progress
    /// bars. `FeatureReader.countFeatures` counts by reading.
    public var featureCount: Int?
}

/// Where a CSV layer's locations come from.
public struct CSVLocationColumns: Sendable, Hashable {
    public var longitude: String?
    public var latitude: String?
    public var wkt: String?
    public var address: [String]

    public init(longitude: String?, latitude: String?, wkt: String?, address: [String]) {
        self.longitude = longitude
        self.latitude = latitude
        self.wkt = wkt
        self.address = address
    }
}

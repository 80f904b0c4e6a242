/// One feature: attributes in source order and a geometry, plus where it came from when it was read.
public struct Feature: Sendable, Hashable {
    /// 1-based position in the layer, counting rows that failed too (for CSV: the data row, header
    /// not counted). `0` for features built to be written.
    public var row: Int
    /// The source's feature id (OGR FID), when it has one.
    public var fid: Int64?
    public var properties: Properties
    /// `nil` when the source row has no geometry (for CSV: see `address`).
    public var geometry: Geometry?
    /// For CSV: the text of the address column(s), when present. A feature with an address and no
    /// geometry is "no geometry, has address": the geocoder's to place.
    public var address: String?

    public init(properties: Properties, geometry: Geometry?, fid: Int64? = nil, row: Int = 0, address: String? = nil) {
        self.row = row
        self.fid = fid
        self.properties = properties
        self.geometry = geometry
        self.address = address
    }

    /// No geometry but an address: to be geocoded.
    public var needsGeocoding: Bool { geometry == nil && address != nil }
}

/// A row that could not become a feature: bad geometry, bad coordinate text, a failed transformation,
/// out of bounds. Reading goes on after it.
public struct RowFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file as it was given to the reader.
    public var file: String
    public var layer: String
    /// 1-based position in the layer, as in `Feature.row`.
    public var row: Int
    public var fid: Int64?
    public var reason: String
    /// The attributes that could be read, for the dead-letter record.
    public var properties: Properties

    public init(file: String, layer: String, row: Int, fid: Int64?, reason: String, properties: Properties = Properties()) {
        self.file = file
        self.layer = layer
        self.row = row
        self.fid = fid
        self.reason = reason
        self.properties = properties
    }

    public var description: String { "\(file) [\(layer)] row \(row): \(reason)" }
}

/// What reading one row gave.
public enum ReadResult: Sendable, Hashable {
    case feature(Feature)
    case failure(RowFailure)

    public var row: Int {
        switch self {
        case .feature(let feature): feature.row
        case .failure(let failure): failure.row
        }
    }

    public var feature: Feature? {
        if case .feature(let feature) = self { return feature }
        return nil
    }

    public var failure: RowFailure? {
        if case .failure(let failure) = self { return failure }
        return nil
    }
}

import Foundation

/// A geometry as ISO well-known binary (little-endian), ready for PostGIS `ST_GeomFromWKB`.
///
/// Read geometries are already in the reader's target CRS (EPSG:4490 unless asked otherwise) and carry
/// their envelope, and their GeoJSON text when `ReadOptions.includeGeoJSON` is set.
public struct Geometry: Sendable, Hashable {
    /// ISO WKB, little-endian; Z and M use the ISO type codes (1001, 2001, 3001, …).
    public var wkb: Data
    /// The 2D bounding box, `nil` for an empty geometry or one built without it.
    public var envelope: Envelope?
    /// RFC 7946-shaped geometry object text, when asked for.
    public var geoJSON: String?

    public init(wkb: Data, envelope: Envelope? = nil, geoJSON: String? = nil) {
        self.wkb = wkb
        self.envelope = envelope
        self.geoJSON = geoJSON
    }

    /// The type named in the WKB header; `.unknown` when the bytes are too short to say.
    public var type: GeometryType {
        guard wkb.count >= 5 else { return .unknown }
        let start = wkb.startIndex
        let bytes = (1...4).map { UInt32(wkb[start + $0]) }
        let code =
            wkb[start] == 1
            ? bytes[0] | bytes[1] << 8 | bytes[2] << 16 | bytes[3] << 24
            : bytes[3] | bytes[2] << 8 | bytes[1] << 16 | bytes[0] << 24
        // EWKB and OGR's 2.5D flag mark Z with the high bit and M with the next one.
        let base = code & 0x0FFF_FFFF
        let z = code & 0x8000_0000 != 0
        let m = code & 0x4000_0000 != 0
        return GeometryType(rawValue: base).with(z: z || GeometryType(rawValue: base).hasZ, m: m || GeometryType(rawValue: base).hasM)
    }
}

/// A 2D bounding box in the coordinates of its geometry (longitude/latitude degrees for EPSG:4490).
public struct Envelope: Sendable, Hashable, CustomStringConvertible {
    public var minX: Double
    public var minY: Double
    public var maxX: Double
    public var maxY: Double

    public init(minX: Double, minY: Double, maxX: Double, maxY: Double) {
        self.minX = minX
        self.minY = minY
        self.maxX = maxX
        self.maxY = maxY
    }

    /// Whether every corner is a finite number.
    public var isFinite: Bool { minX.isFinite && minY.isFinite && maxX.isFinite && maxY.isFinite }

    /// Whether `other` lies entirely inside this box (edges included).
    public func contains(_ other: Envelope) -> Bool {
        other.minX >= minX && other.maxX <= maxX && other.minY >= minY && other.maxY <= maxY
    }

    public var description: String { "\(minX),\(minY),\(maxX),\(maxY)" }
}

/// A multipolygon boundary in EPSG:4490: polygons of rings (the first ring outer, the others holes),
/// each ring a closed or open list of points.
public struct Boundary: Hashable, Sendable, Codable {
    public var polygons: [[[GeoPoint]]]

    public init(polygons: [[[GeoPoint]]]) {
        self.polygons = polygons
    }

    /// The bounding box `(west, south, east, north)`, or nil for an empty boundary.
    public var bounds: (west: Double, south: Double, east: Double, north: Double)? {
        var west = Double.infinity
        var south = Double.infinity
        var east = -Double.infinity
        var north = -Double.infinity
        for polygon in polygons {
            for point in polygon.first ?? [] {
                west = min(west, point.lon)
                east = max(east, point.lon)
                south = min(south, point.lat)
                north = max(north, point.lat)
            }
        }
        return west <= east ? (west, south, east, north) : nil
    }

    /// Number of vertices in all rings.
    public var vertexCount: Int { polygons.reduce(0) { $0 + $1.reduce(0) { $0 + $1.count } } }

    /// The area-weighted centroid of the outer rings (planar, in degrees), or nil when degenerate.
    public var centroid: GeoPoint? { Boundary.exactCentroid(polygons) }

    private static func exactCentroid(_ polygons: [[[GeoPoint]]]) -> GeoPoint? {
        var area = 0.0
        var x = 0.0
        var y = 0.0
        guard let origin = polygons.first?.first?.first else { return nil }
        for polygon in polygons {
            guard let ring = polygon.first, ring.count >= 3 else { continue }
            for index in 0..<ring.count {
                let a = ring[index]
                let b = ring[(index + 1) % ring.count]
                let ax = a.lon - origin.lon
                let ay = a.lat - origin.lat
                let bx = b.lon - origin.lon
                let by = b.lat - origin.lat
                let cross = ax * by - bx * ay
                area += cross
                x += (ax + bx) * cross
                y += (ay + by) * cross
            }
        }
        guard abs(area) > 1e-12 else { return nil }
        return GeoPoint(lon: origin.lon + x / (3 * area), lat: origin.lat + y / (3 * area))
    }

    /// Whether a point is inside (even-odd rule over all rings; holes excluded).
    public func contains(_ point: GeoPoint) -> Bool {
        for polygon in polygons where Boundary.ringsContain(polygon, point) { return true }
        return false
    }

    static func ringsContain(_ rings: [[GeoPoint]], _ point: GeoPoint) -> Bool {
        var inside = false
        for ring in rings where ring.count >= 3 {
            var previous = ring[ring.count - 1]
            for current in ring {
                if (current.lat > point.lat) != (previous.lat > point.lat) {
                    let x = current.lon + (point.lat - current.lat) * (previous.lon - current.lon) / (previous.lat - current.lat)
                    if point.lon < x { inside.toggle() }
                }
                previous = current
            }
        }
        return inside
    }
}

extension Boundary {
    /// JSON as a GeoJSON MultiPolygon geometry (`{"type":"MultiPolygon","coordinates":[[[[lon,lat],…]]]}`),
    /// coordinates rounded to 1e-7° (about 1 cm) like the engine snapshot, so a boundary read back from an
    /// event equals the one a snapshot holds. A `Polygon` is read as a multipolygon of one.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: GeoJSONKeys.self)
        let type = try container.decode(String.self, forKey: .type)
        switch type {
        case "MultiPolygon":
            polygons = try container.decode([[[[Double]]]].self, forKey: .coordinates).map { try $0.map(Self.ring) }
        case "Polygon":
            polygons = [try container.decode([[[Double]]].self, forKey: .coordinates).map(Self.ring)]
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: container, debugDescription: "a boundary is a MultiPolygon or Polygon, not \(type)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: GeoJSONKeys.self)
        try container.encode("MultiPolygon", forKey: .type)
        try container.encode(
            polygons.map { $0.map { $0.map { [Self.rounded($0.lon), Self.rounded($0.lat)] } } }, forKey: .coordinates)
    }

    /// The value the snapshot stores: whole 1e-7 degrees.
    static func rounded(_ degrees: Double) -> Double { (degrees * 1e7).rounded() / 1e7 }

    private static func ring(_ positions: [[Double]]) throws -> [GeoPoint] {
        try positions.map { position in
            guard position.count >= 2, position[0].isFinite, position[1].isFinite else {
                throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "a position is [lon, lat]"))
            }
            return GeoPoint(lon: position[0], lat: position[1])
        }
    }

    private enum GeoJSONKeys: String, CodingKey {
        case type, coordinates
    }
}

/// A polygon or multipolygon made ready for fast point-in-polygon tests: its bounding box, and its
/// edges as flat coordinate arrays bucketed by latitude band, so a test looks only at the edges that
/// cross the point's band (a district boundary of thousands of vertices costs a few dozen edge tests).
/// Even-odd rule over all rings, so holes are excluded.
public struct PreparedPolygon: Sendable {
    public let west: Double
    public let south: Double
    public let east: Double
    public let north: Double
    /// The area-weighted centroid of the outer rings (planar, in degrees).
    public let centroid: (longitude: Double, latitude: Double)
    /// Edge count, all rings.
    public let edgeCount: Int
    private let bandHeight: Double
    /// Per band, the edges (x1, y1, x2, y2) crossing it, flattened.
    private let bands: [[Double]]

    /// From polygons of rings of (longitude, latitude); `nil` when no ring has three points.
    public init?(_ polygons: [[[(Double, Double)]]]) {
        var west = Double.infinity
        var south = Double.infinity
        var east = -Double.infinity
        var north = -Double.infinity
        var edges = 0
        for polygon in polygons {
            for ring in polygon where ring.count >= 3 {
                edges += ring.count
                for (x, y) in ring {
                    west = min(west, x)
                    east = max(east, x)
                    south = min(south, y)
                    north = max(north, y)
                }
            }
        }
        guard edges > 0, west <= east, south <= north else { return nil }
        self.west = west
        self.south = south
        self.east = east
        self.north = north
        self.edgeCount = edges
        let bandCount = max(1, min(4_096, Int(Double(edges).squareRoot() / 2)))
        let height = max((north - south) / Double(bandCount), 1e-12)
        bandHeight = height
        var bands = [[Double]](repeating: [], count: bandCount)
        for polygon in polygons {
            for ring in polygon where ring.count >= 3 {
                var previous = ring[ring.count - 1]
                for current in ring {
                    let low = min(previous.1, current.1)
                    let high = max(previous.1, current.1)
                    let first = max(0, min(bandCount - 1, Int((low - south) / height)))
                    let last = max(0, min(bandCount - 1, Int((high - south) / height)))
                    for band in first...last {
                        bands[band].append(contentsOf: [previous.0, previous.1, current.0, current.1])
                    }
                    previous = current
                }
            }
        }
        self.bands = bands
        centroid = Self.centroid(polygons) ?? ((west + east) / 2, (south + north) / 2)
    }

    /// Whether the point is inside (a point exactly on an edge may go either way).
    @inlinable
    public func contains(longitude: Double, latitude: Double) -> Bool {
        guard longitude >= west, longitude <= east, latitude >= south, latitude <= north else { return false }
        return bandContains(longitude: longitude, latitude: latitude)
    }

    @usableFromInline
    func bandContains(longitude lon: Double, latitude lat: Double) -> Bool {
        let band = max(0, min(bands.count - 1, Int((lat - south) / bandHeight)))
        var inside = false
        bands[band].withUnsafeBufferPointer { edges in
            var index = 0
            let count = edges.count
            while index + 3 < count {
                let y1 = edges[index + 1]
                let y2 = edges[index + 3]
                if (y1 > lat) != (y2 > lat) {
                    let x1 = edges[index]
                    let x2 = edges[index + 2]
                    if lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1) { inside.toggle() }
                }
                index += 4
            }
        }
        return inside
    }

    private static func centroid(_ polygons: [[[(Double, Double)]]]) -> (Double, Double)? {
        guard let origin = polygons.first?.first?.first else { return nil }
        var area = 0.0
        var x = 0.0
        var y = 0.0
        for polygon in polygons {
            guard let ring = polygon.first, ring.count >= 3 else { continue }
            for index in 0..<ring.count {
                let a = ring[index]
                let b = ring[(index + 1) % ring.count]
                let ax = a.0 - origin.0
                let ay = a.1 - origin.1
                let bx = b.0 - origin.0
                let by = b.1 - origin.1
                let cross = ax * by - bx * ay
                area += cross
                x += (ax + bx) * cross
                y += (ay + by) * cross
            }
        }
        guard abs(area) > 1e-18 else { return nil }
        return (origin.0 + x / (3 * area), origin.1 + y / (3 * area))
    }
}

/// An in-memory point-in-polygon index: a 0.1° grid over the boundaries' extents lists the
/// boundaries whose box overlaps each cell, and each boundary keeps its edges bucketed by latitude
/// band, so a ray-casting test looks at a few dozen edges instead of thousands.
struct BoundaryIndex: Sendable {
    static let cellSize = 0.1
    private var cells: [Int64: [Int32]] = [:]
    private var prepared: [Int32: PreparedBoundary] = [:]

    /// Adds or replaces the boundary of a division.
    mutating func set(_ id: Int32, _ boundary: Boundary) {
        remove(id)
        guard let prepared = PreparedBoundary(boundary) else { return }
        self.prepared[id] = prepared
        for key in Self.cellKeys(prepared.west, prepared.south, prepared.east, prepared.north) { cells[key, default: []].append(id) }
    }

    mutating func remove(_ id: Int32) {
        guard let old = prepared.removeValue(forKey: id) else { return }
        for key in Self.cellKeys(old.west, old.south, old.east, old.north) { cells[key]?.removeAll { $0 == id } }
    }

    /// Ids of the boundaries containing a point.
    func containing(lon: Double, lat: Double) -> [Int32] {
        guard let candidates = cells[Self.key(Self.cell(lon), Self.cell(lat))] else { return [] }
        return candidates.filter { prepared[$0]?.contains(lon: lon, lat: lat) == true }
    }

    var isEmpty: Bool { prepared.isEmpty }

    private static func cellKeys(_ west: Double, _ south: Double, _ east: Double, _ north: Double) -> [Int64] {
        var keys: [Int64] = []
        for x in cell(west)...cell(east) {
            for y in cell(south)...cell(north) { keys.append(key(x, y)) }
        }
        return keys
    }

    @inline(__always)
    static func cell(_ degrees: Double) -> Int64 { Int64((degrees / cellSize).rounded(.down)) }

    @inline(__always)
    static func key(_ x: Int64, _ y: Int64) -> Int64 { (x + 1_000_000) << 32 | (y + 1_000_000) }
}

/// A boundary's edges as flat coordinate arrays, bucketed by latitude band.
struct PreparedBoundary: Sendable {
    let west: Double
    let south: Double
    let east: Double
    let north: Double
    private let bandHeight: Double
    /// Per band, the edges (x1, y1, x2, y2) crossing it, flattened.
    private let bands: [[Double]]

    init?(_ boundary: Boundary) {
        guard let bounds = boundary.bounds else { return nil }
        west = bounds.west
        south = bounds.south
        east = bounds.east
        north = bounds.north
        let vertices = boundary.vertexCount
        let bandCount = max(1, min(4096, Int(Double(vertices).squareRoot())))
        bandHeight = max((north - south) / Double(bandCount), 1e-9)
        var bands = [[Double]](repeating: [], count: bandCount)
        for polygon in boundary.polygons {
            for ring in polygon where ring.count >= 3 {
                var previous = ring[ring.count - 1]
                for current in ring {
                    let low = min(previous.lat, current.lat)
                    let high = max(previous.lat, current.lat)
                    let first = max(0, min(bandCount - 1, Int((low - bounds.south) / bandHeight)))
                    let last = max(0, min(bandCount - 1, Int((high - bounds.south) / bandHeight)))
                    for band in first...last {
                        bands[band].append(contentsOf: [previous.lon, previous.lat, current.lon, current.lat])
                    }
                    previous = current
                }
            }
        }
        self.bands = bands
    }

    func contains(lon: Double, lat: Double) -> Bool {
        guard lon >= west, lon <= east, lat >= south, lat <= north else { return false }
        let band = max(0, min(bands.count - 1, Int((lat - south) / bandHeight)))
        var inside = false
        bands[band].withUnsafeBufferPointer { edges in
            var index = 0
            while index + 3 < edges.count {
                let x1 = edges[index]
                let y1 = edges[index + 1]
                let x2 = edges[index + 2]
                let y2 = edges[index + 3]
                if (y1 > lat) != (y2 > lat) {
                    let x = x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
                    if lon < x { inside.toggle() }
                }
                index += 4
            }
        }
        return inside
    }
}

/// Address points on a 0.01° grid for nearest-neighbour search.
struct PointGrid: Sendable {
    static let cellSize = 0.01
    private var cells: [Int64: [Int32]] = [:]

    mutating func insert(_ id: Int32, _ point: GeoPoint) {
        cells[Self.key(point), default: []].append(id)
    }

    mutating func remove(_ id: Int32, _ point: GeoPoint) {
        cells[Self.key(point)]?.removeAll { $0 == id }
    }

    /// Ids in the 3×3 cells around a point (at least ≈1 km in every direction).
    func near(_ point: GeoPoint, _ body: (Int32) -> Void) {
        let x = Self.cell(point.lon)
        let y = Self.cell(point.lat)
        for dx: Int64 in -1...1 {
            for dy: Int64 in -1...1 {
                for id in cells[BoundaryIndex.key(x + dx, y + dy)] ?? [] { body(id) }
            }
        }
    }

    private static func cell(_ degrees: Double) -> Int64 { Int64((degrees / cellSize).rounded(.down)) }

    private static func key(_ point: GeoPoint) -> Int64 { BoundaryIndex.key(cell(point.lon), cell(point.lat)) }
}

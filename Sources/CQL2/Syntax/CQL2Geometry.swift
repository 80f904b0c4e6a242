/// A geometry literal: WKT in cql2-text, a GeoJSON geometry in cql2-json. Positions are `[x, y]` or
/// `[x, y, z]` in the order they were written; the filter CRS says what they mean.
public indirect enum CQL2Geometry: Hashable, Sendable {
    case point([Double])
    case lineString([[Double]])
    case polygon([[[Double]]])
    case multiPoint([[Double]])
    case multiLineString([[[Double]]])
    case multiPolygon([[[[Double]]]])
    case geometryCollection([CQL2Geometry])

    /// Checks what PostGIS would otherwise reject at query time (and turn into a server error):
    /// positions of two or three finite numbers, one dimension throughout, lines of two or more
    /// positions, closed rings of four or more.
    public func validate() throws(CQL2Error) {
        var dimension: Int?
        try validate(dimension: &dimension)
    }

    private func validate(dimension: inout Int?) throws(CQL2Error) {
        func position(_ p: [Double]) throws(CQL2Error) {
            guard p.count == 2 || p.count == 3 else {
                throw CQL2Error(.invalidValue, "a position has \(p.count) coordinates; it needs 2 (x y) or 3 (x y z)")
            }
            guard p.allSatisfy(\.isFinite) else { throw CQL2Error(.invalidValue, "coordinates must be finite numbers") }
            if let dimension, dimension != p.count {
                throw CQL2Error(.invalidValue, "a geometry mixes positions with 2 and 3 coordinates")
            }
            dimension = p.count
        }
        func line(_ positions: [[Double]]) throws(CQL2Error) {
            guard positions.count >= 2 else { throw CQL2Error(.invalidValue, "a line string needs at least 2 positions, not \(positions.count)") }
            for p in positions { try position(p) }
        }
        func polygon(_ rings: [[[Double]]]) throws(CQL2Error) {
            guard !rings.isEmpty else { throw CQL2Error(.invalidValue, "a polygon needs at least one ring") }
            for ring in rings {
                guard ring.count >= 4 else {
                    throw CQL2Error(.invalidValue, "a polygon ring needs at least 4 positions (the last repeating the first), not \(ring.count)")
                }
                for p in ring { try position(p) }
                guard ring.first == ring.last else {
                    throw CQL2Error(.invalidValue, "a polygon ring must be closed: its last position must repeat its first")
                }
            }
        }
        switch self {
        case .point(let p): try position(p)
        case .lineString(let positions): try line(positions)
        case .polygon(let rings): try polygon(rings)
        case .multiPoint(let points):
            guard !points.isEmpty else { throw CQL2Error(.invalidValue, "empty geometries are not supported") }
            for p in points { try position(p) }
        case .multiLineString(let lines):
            guard !lines.isEmpty else { throw CQL2Error(.invalidValue, "empty geometries are not supported") }
            for l in lines { try line(l) }
        case .multiPolygon(let polygons):
            guard !polygons.isEmpty else { throw CQL2Error(.invalidValue, "empty geometries are not supported") }
            for p in polygons { try polygon(p) }
        case .geometryCollection(let members):
            guard !members.isEmpty else { throw CQL2Error(.invalidValue, "empty geometries are not supported") }
            for member in members { try member.validate(dimension: &dimension) }
        }
    }

    /// The same geometry with x and y swapped in every position.
    public var swappingAxes: CQL2Geometry {
        func swap(_ p: [Double]) -> [Double] { p.count >= 2 ? [p[1], p[0]] + p.dropFirst(2) : p }
        switch self {
        case .point(let p): return .point(swap(p))
        case .lineString(let l): return .lineString(l.map(swap))
        case .polygon(let rings): return .polygon(rings.map { $0.map(swap) })
        case .multiPoint(let points): return .multiPoint(points.map(swap))
        case .multiLineString(let lines): return .multiLineString(lines.map { $0.map(swap) })
        case .multiPolygon(let polygons): return .multiPolygon(polygons.map { $0.map { $0.map(swap) } })
        case .geometryCollection(let members): return .geometryCollection(members.map(\.swappingAxes))
        }
    }

    /// Every position, for range checks.
    var positions: [[Double]] {
        switch self {
        case .point(let p): [p]
        case .lineString(let l), .multiPoint(let l): l
        case .polygon(let rings), .multiLineString(let rings): rings.flatMap { $0 }
        case .multiPolygon(let polygons): polygons.flatMap { $0.flatMap { $0 } }
        case .geometryCollection(let members): members.flatMap(\.positions)
        }
    }

    /// Well-known text, e.g. `POLYGON Z ((0 0 1,1 0 1,1 1 1,0 0 1))`; numbers written so they read back exactly.
    public var wkt: String {
        let z = positions.first?.count == 3 ? " Z " : ""
        return tag + z + body
    }

    private var tag: String {
        switch self {
        case .point: "POINT"
        case .lineString: "LINESTRING"
        case .polygon: "POLYGON"
        case .multiPoint: "MULTIPOINT"
        case .multiLineString: "MULTILINESTRING"
        case .multiPolygon: "MULTIPOLYGON"
        case .geometryCollection: "GEOMETRYCOLLECTION"
        }
    }

    private var body: String {
        func position(_ p: [Double]) -> String { p.map(formatNumber).joined(separator: " ") }
        func list(_ positions: [[Double]]) -> String { "(" + positions.map(position).joined(separator: ",") + ")" }
        func rings(_ rings: [[[Double]]]) -> String { "(" + rings.map(list).joined(separator: ",") + ")" }
        switch self {
        case .point(let p): return "(" + position(p) + ")"
        case .lineString(let l): return list(l)
        case .polygon(let r): return rings(r)
        case .multiPoint(let points): return "(" + points.map { "(" + position($0) + ")" }.joined(separator: ",") + ")"
        case .multiLineString(let lines): return rings(lines)
        case .multiPolygon(let polygons): return "(" + polygons.map(rings).joined(separator: ",") + ")"
        case .geometryCollection(let members): return "(" + members.map(\.wkt).joined(separator: ",") + ")"
        }
    }
}

/// A number as CQL2 text and WKT write it: integers without a fraction, others in Swift's shortest
/// round-tripping form.
func formatNumber(_ value: Double) -> String {
    if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
    return "\(value)"
}

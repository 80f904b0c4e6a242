import Foundation
import Geodesy

/// `S_DWITHIN` in memory, as PostGIS computes `ST_DWithin(geography, geography, d)`: zero when the
/// geometries intersect; otherwise the closest points are found on the sphere (edges are great-circle
/// arcs) and their distance measured on the CGCS2000 ellipsoid.
enum GeodesicDistance {
    /// Whether the geodesic distance between `a` and `b` (EPSG:4490 degrees) is at most `metres`;
    /// `intersects` is asked only when neither is a lone point.
    static func within(_ a: CQL2Geometry, _ b: CQL2Geometry, metres: Double, intersects: () -> Bool?) -> Bool? {
        let (pointsA, segmentsA) = parts(a)
        let (pointsB, segmentsB) = parts(b)
        if !(segmentsA.isEmpty && segmentsB.isEmpty) {
            guard let touching = intersects() else { return nil }
            if touching { return true }
        }
        func near(_ p: [Double], _ q: [Double]) -> Bool {
            Geodesic.cgcs2000.distance(longitude1: p[0], latitude1: p[1], longitude2: q[0], latitude2: q[1]) <= metres
        }
        for p in pointsA { for q in pointsB where near(p, q) { return true } }
        for p in pointsA { for segment in segmentsB where near(p, closest(to: p, on: segment)) { return true } }
        for q in pointsB { for segment in segmentsA where near(q, closest(to: q, on: segment)) { return true } }
        // Arcs that do not cross are closest at an end of one of them.
        for s in segmentsA {
            for t in segmentsB {
                for p in [s.0, s.1] where near(p, closest(to: p, on: t)) { return true }
                for q in [t.0, t.1] where near(q, closest(to: q, on: s)) { return true }
            }
        }
        return false
    }

    typealias Segment = ([Double], [Double])

    /// The vertices of a geometry and its edges (lines and polygon rings); a vertex that is the end
    /// of an edge is left to the edge.
    static func parts(_ geometry: CQL2Geometry) -> (points: [[Double]], segments: [Segment]) {
        func edges(_ positions: [[Double]]) -> [Segment] {
            guard positions.count >= 2 else { return [] }
            return (1..<positions.count).map { (positions[$0 - 1], positions[$0]) }
        }
        switch geometry {
        case .point(let p): return ([p], [])
        case .multiPoint(let points): return (points, [])
        case .lineString(let line): return ([], edges(line))
        case .multiLineString(let lines), .polygon(let lines): return ([], lines.flatMap(edges))
        case .multiPolygon(let polygons): return ([], polygons.flatMap { $0.flatMap(edges) })
        case .geometryCollection(let members):
            let all = members.map(parts)
            return (all.flatMap(\.points), all.flatMap(\.segments))
        }
    }

    /// The point of the great-circle arc `segment` closest to `p` on the sphere.
    static func closest(to p: [Double], on segment: Segment) -> [Double] {
        let (a, b, q) = (Vector(segment.0), Vector(segment.1), Vector(p))
        let normal = a.cross(b)
        guard normal.length > 1e-15 else { return segment.0 }
        let n = normal.normalised
        let projected = q - n * q.dot(n)
        if projected.length > 1e-15 {
            let foot = projected.normalised
            if a.cross(foot).dot(n) >= 0, foot.cross(b).dot(n) >= 0 { return foot.position }
        }
        return q.dot(a) >= q.dot(b) ? segment.0 : segment.1
    }

    /// A position on the unit sphere (geodetic latitude taken as spherical, as PostGIS does).
    struct Vector {
        var x, y, z: Double

        init(x: Double, y: Double, z: Double) {
            (self.x, self.y, self.z) = (x, y, z)
        }

        init(_ position: [Double]) {
            let (lon, lat) = (position[0] * .pi / 180, position[1] * .pi / 180)
            self.init(x: cos(lat) * cos(lon), y: cos(lat) * sin(lon), z: sin(lat))
        }

        var position: [Double] { [atan2(y, x) * 180 / .pi, atan2(z, (x * x + y * y).squareRoot()) * 180 / .pi] }
        var length: Double { (x * x + y * y + z * z).squareRoot() }
        var normalised: Vector { self * (1 / length) }
        func dot(_ o: Vector) -> Double { x * o.x + y * o.y + z * o.z }
        func cross(_ o: Vector) -> Vector { Vector(x: y * o.z - z * o.y, y: z * o.x - x * o.z, z: x * o.y - y * o.x) }
        static func - (a: Vector, b: Vector) -> Vector { Vector(x: a.x - b.x, y: a.y - b.y, z: a.z - b.z) }
        static func * (a: Vector, s: Double) -> Vector { Vector(x: a.x * s, y: a.y * s, z: a.z * s) }
    }
}

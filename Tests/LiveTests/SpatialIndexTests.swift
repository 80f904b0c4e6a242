import Foundation
import SpatialIndex
import Testing

@Suite("Spatial index")
struct SpatialIndexTests {
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Even-odd ray casting over every ring, the slow way.
    static func bruteContains(_ polygons: [[[(Double, Double)]]], _ x: Double, _ y: Double) -> Bool {
        var inside = false
        for polygon in polygons {
            for ring in polygon {
                var previous = ring[ring.count - 1]
                for current in ring {
                    if (current.1 > y) != (previous.1 > y), x < current.0 + (y - current.1) * (previous.0 - current.0) / (previous.1 - current.1) {
                        inside.toggle()
                    }
                    previous = current
                }
            }
        }
        return inside
    }

    @Test("the packed tree finds exactly the polygons a brute-force test finds, holes and changes included")
    func matchesBruteForce() {
        var random = Generator(state: 7)
        var shapes: [String: [[[(Double, Double)]]]] = [:]
        var set = PolygonSet<String>()
        var bulk: [(String, PreparedPolygon)] = []
        for index in 0..<2_000 {
            let cx = Double.random(in: 0..<10, using: &random)
            let cy = Double.random(in: 0..<10, using: &random)
            let radius = Double.random(in: 0.05...0.8, using: &random)
            let count = Int.random(in: 5...40, using: &random)
            let outer = (0...count).map { step -> (Double, Double) in
                let angle = Double(step % count) / Double(count) * 2 * .pi
                let wobble = Double.random(in: 0.5...1, using: &random)
                return (cx + radius * wobble * cos(angle), cy + radius * wobble * sin(angle))
            }
            let hole = [
                (cx - radius / 8, cy - radius / 8), (cx + radius / 8, cy - radius / 8), (cx + radius / 8, cy + radius / 8),
                (cx - radius / 8, cy + radius / 8), (cx - radius / 8, cy - radius / 8),
            ]
            let polygon = index % 3 == 0 ? [[outer, hole]] : [[outer]]
            shapes["f\(index)"] = polygon
            bulk.append(("f\(index)", PreparedPolygon(polygon)!))
        }
        set.set(contentsOf: bulk)
        // Changes after packing: some removed, some replaced, some added.
        for index in stride(from: 0, to: 300, by: 3) {
            set.remove("f\(index)")
            shapes["f\(index)"] = nil
        }
        for index in 2_000..<2_100 {
            let square = [
                [
                    [
                        (Double(index % 10), 5.0), (Double(index % 10) + 0.5, 5.0), (Double(index % 10) + 0.5, 5.5), (Double(index % 10), 5.5),
                        (Double(index % 10), 5.0),
                    ]
                ]
            ]
            shapes["f\(index)"] = square
            set.set("f\(index)", PreparedPolygon(square)!)
        }
        #expect(set.count == shapes.count)
        for _ in 0..<5_000 {
            let x = Double.random(in: -0.5..<10.5, using: &random)
            let y = Double.random(in: -0.5..<10.5, using: &random)
            let expected = Set(shapes.filter { Self.bruteContains($0.value, x, y) }.keys)
            #expect(Set(set.containing(longitude: x, latitude: y)) == expected, "at \(x), \(y)")
        }
    }

    @Test("a prepared polygon's centroid is the area centroid")
    func centroid() {
        let polygon = PreparedPolygon([[[(0, 0), (4, 0), (4, 2), (0, 2), (0, 0)]]])!
        #expect(abs(polygon.centroid.longitude - 2) < 1e-12 && abs(polygon.centroid.latitude - 1) < 1e-12)
        #expect(polygon.contains(longitude: 1, latitude: 1) && !polygon.contains(longitude: 5, latitude: 1))
    }
}

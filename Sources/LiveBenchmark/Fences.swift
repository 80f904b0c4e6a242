import ArgumentParser
import Events
import Foundation
import Processors
import SpatialIndex

/// Fence matching: random small polygons (12–24 vertices, 50–500 m across) over a 1.2° × 1° box
/// around Wuhan, random points in the same box. Measures the index alone (which fences contain a
/// point) and the alerting engine with an enter and an exit rule over every fence, on one thread.
struct Fences: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Geofence matching events/s against 1k, 10k and 100k polygon fences.")

    @Option(help: "Fence counts, comma-separated.")
    var fences = "1000,10000,100000"
    @Option(help: "Points matched per fence count.")
    var events = 1_000_000
    @Option(help: "Moving subjects the events are spread over (for the rules).")
    var subjects = 1_000

    func run() async throws {
        let counts = fences.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        print("fences | build (ms) | index: points/s | hits/point | alert engine (enter+exit rules): events/s | alerts")
        for count in counts {
            var random = SplitMix(seed: UInt64(count))
            let west = 113.7
            let south = 30.0
            var polygons: [(String, PreparedPolygon)] = []
            polygons.reserveCapacity(count)
            for index in 0..<count {
                let cx = west + Double.random(in: 0..<1.2, using: &random)
                let cy = south + Double.random(in: 0..<1.0, using: &random)
                let radius = Double.random(in: 0.00025...0.0025, using: &random)
                let vertices = Int.random(in: 12...24, using: &random)
                var ring: [(Double, Double)] = (0..<vertices).map { step in
                    let angle = Double(step) / Double(vertices) * 2 * .pi
                    let wobble = Double.random(in: 0.7...1.0, using: &random)
                    return (cx + radius * wobble * cos(angle) / cos(cy * .pi / 180), cy + radius * wobble * sin(angle))
                }
                ring.append(ring[0])
                polygons.append(("bench/\(index)", PreparedPolygon([[ring]])!))
            }
            let points = (0..<events).map { _ in
                (west + Double.random(in: 0..<1.2, using: &random), south + Double.random(in: 0..<1.0, using: &random))
            }
            let buildStart = ContinuousClock.now
            var set = PolygonSet<String>()
            set.set(contentsOf: polygons)
            let build = ContinuousClock.now - buildStart

            var hits = 0
            let queryStart = ContinuousClock.now
            for (x, y) in points { set.forEach(containing: x, y) { _, _ in hits += 1 } }
            let query = ContinuousClock.now - queryStart

            var engine = AlertEngine(compile: nil)
            engine.setFences(set, names: [:])
            let revision = UUID()
            engine.define([
                "enter": (AlertRule(id: "enter", kind: .enter, fences: .init(collection: "bench")), revision),
                "exit": (AlertRule(id: "exit", kind: .exit, fences: .init(collection: "bench")), revision),
            ])
            let inputs = points.enumerated().map { index, point in
                SpatialEventFields(
                    id: "e\(index)", type: "sensor.reading", subject: "sensor:veh-\(index % subjects)", time: Int64(index) * 10, longitude: point.0,
                    latitude: point.1, sensorID: nil, theme: nil, values: [])
            }
            var alerts = 0
            let engineStart = ContinuousClock.now
            for input in inputs { alerts += engine.process(reading: input).count }
            let engineTime = ContinuousClock.now - engineStart
            print(
                "\(count) | \(Self.milliseconds(build)) | \(Self.rate(events, query)) | \(String(format: "%.2f", Double(hits) / Double(events))) | \(Self.rate(events, engineTime)) | \(alerts)"
            )
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func milliseconds(_ duration: Duration) -> String { String(format: "%.0f", seconds(duration) * 1_000) }

    static func rate(_ count: Int, _ duration: Duration) -> String {
        let perSecond = Double(count) / max(seconds(duration), 1e-9)
        return perSecond >= 1e6 ? String(format: "%.2fM", perSecond / 1e6) : String(format: "%.1fk", perSecond / 1e3)
    }
}

/// A small seeded generator, so every run places the same fences.
struct SplitMix: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

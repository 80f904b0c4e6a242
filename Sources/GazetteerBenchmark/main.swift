import Dispatch
import Foundation
import Gazetteer
import Geodesy

// The gazetteer benchmark: builds the engine from the fetched public data, generates addresses
// with ground truth, and measures forward (single thread and batch) and reverse geocoding.
//
//   gazetteer-bench --data DIR [--count 100000] [--addresses-out FILE] [--snapshot-dir DIR]
//   gazetteer-bench --data DIR --eval-in SET.jsonl --eval-out RESULTS.jsonl [--eval-only]
//   gazetteer-bench [--from-snapshot DATA_DIR] --lookup ADDRESS…       (prints results as JSON)
//
// Build with `swift build -c release --product gazetteer-bench`; scripts/bench-gazetteer runs it
// next to JioNLP and cpca on the same addresses.

func argument(_ name: String) -> String? {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

func measure<T>(_ body: () throws -> T) rethrows -> (T, Double) {
    let started = ContinuousClock.now
    let value = try body()
    return (value, seconds(ContinuousClock.now - started))
}

func format(_ value: Double, _ digits: Int = 0) -> String { String(format: "%.\(digits)f", value) }

let cache = (ProcessInfo.processInfo.environment["XDG_CACHE_HOME"] ?? NSHomeDirectory() + "/.cache") + "/shikong/gazetteer/data"
let dataDirectory = URL(fileURLWithPath: argument("--data") ?? cache)
let count = Int(argument("--count") ?? "100000") ?? 100_000

let transformer = CoordinateTransformer()
let packaged = PackagedData(directory: dataDirectory)
let snapshot = argument("--from-snapshot").map { URL(fileURLWithPath: $0) }
print("== \(snapshot == nil ? "building the engine from \(dataDirectory.path)" : "loading the engine snapshot from \(snapshot!.path)")")
let (gazetteer, buildTime) = try measure { () throws -> Gazetteer in
    if let snapshot { return try GazetteerStore.load(dataDirectory: snapshot) }
    var gazetteer = Gazetteer(characters: try packaged.characterTables())
    gazetteer.apply(contentsOf: try packaged.changes(transformer: transformer) { print("   \($0)") })
    return gazetteer
}
let counts = gazetteer.counts
print("   built in \(format(buildTime, 1)) s: " + AdminLevel.allCases.map { "\(counts[$0] ?? 0) \($0)" }.joined(separator: ", "))
if let snapshotDirectory = argument("--snapshot-dir") {
    let (_, saveTime) = try measure { try GazetteerStore.save(gazetteer, dataDirectory: URL(fileURLWithPath: snapshotDirectory)) }
    let (_, loadTime) = try measure { _ = try GazetteerStore.load(dataDirectory: URL(fileURLWithPath: snapshotDirectory)) }
    let size =
        (try? FileManager.default.attributesOfItem(atPath: GazetteerStore.snapshotURL(dataDirectory: URL(fileURLWithPath: snapshotDirectory)).path)[
            .size] as? Int) ?? 0
    print("   snapshot: \(size / 1_000_000) MB, written in \(format(saveTime, 1)) s, loaded in \(format(loadTime, 1)) s")
}

if let index = CommandLine.arguments.firstIndex(of: "--lookup") {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    for text in CommandLine.arguments[(index + 1)...] { print(String(decoding: try encoder.encode(gazetteer.geocode(text)), as: UTF8.self)) }
    exit(0)
}
if let input = argument("--eval-in") {
    try Evaluation.run(gazetteer, input: input, output: argument("--eval-out") ?? input + ".results")
    if CommandLine.arguments.contains("--eval-only") { exit(0) }
}

print("== generating \(count) addresses")
var generator = AddressGenerator(gazetteer: gazetteer)
let addresses = (0..<count).map { _ in generator.next() }
if let path = argument("--addresses-out") {
    var lines = ""
    for address in addresses {
        let object: [String: Any] = [
            "text": address.text, "county": address.countyCode, "county_name": address.countyName, "township": address.townshipCode,
            "township_name": address.townshipName, "perturbations": address.perturbations,
        ]
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        lines += String(decoding: data, as: UTF8.self) + "\n"
    }
    try lines.write(toFile: path, atomically: true, encoding: .utf8)
    print("   written to \(path)")
}
for example in addresses.prefix(5) { print("   e.g. \(example.text)  [\(example.perturbations.joined(separator: ", "))]") }

print("== forward geocoding")
let texts = addresses.map(\.text)
let (single, singleTime) = measure { texts.map { gazetteer.geocode($0) } }
print("   single thread: \(format(Double(count) / singleTime)) addresses/s (\(format(singleTime * 1e6 / Double(count), 1)) µs each)")
let (batch, batchTime) = measure { BatchGeocoder.geocode(texts, with: gazetteer) }
print("   batch (\(ProcessInfo.processInfo.activeProcessorCount) cores): \(format(Double(count) / batchTime)) addresses/s")
precondition(single.map(\.admin) == batch.map(\.admin), "batch and single results differ")

func accuracy(_ results: [GeocodeResult], _ filter: (GeneratedAddress) -> Bool = { _ in true }) -> (
    county: Double, township: Double, failed: Double, n: Int
) {
    var county = 0
    var township = 0
    var failed = 0
    var n = 0
    for (result, truth) in zip(results, addresses) where filter(truth) {
        n += 1
        if !result.isSuccess { failed += 1 }
        if result.code(at: .county) == truth.countyCode || (truth.countyCode.hasSuffix("00") && result.code(at: .city) == truth.countyCode) {
            county += 1
        }
        if result.code(at: .township) == truth.townshipCode { township += 1 }
    }
    let total = Double(max(n, 1))
    return (Double(county) / total, Double(township) / total, Double(failed) / total, n)
}
let overall = accuracy(single)
print(
    "   accuracy: county \(format(overall.county * 100, 2)) %, township \(format(overall.township * 100, 2)) %, failed \(format(overall.failed * 100, 2)) %"
)
for perturbation in ["short", "level word", "no province", "no city", "homophone", "village", "road", "traditional", "prefix"] {
    let figures = accuracy(single) { $0.perturbations.contains(perturbation) }
    print(
        "     with \(perturbation) (\(figures.n)): county \(format(figures.county * 100, 2)) %, township \(format(figures.township * 100, 2)) %, failed \(format(figures.failed * 100, 2)) %"
    )
}
let wrongConfident = zip(single, addresses).filter {
    $0.0.isSuccess && $0.0.score >= 0.8 && $0.0.code(at: .county) != nil && $0.0.code(at: .county) != $0.1.countyCode
}.count
let kept = zip(single, addresses).filter { $0.0.isSuccess }
let dropped = kept.filter { !($0.0.standardAddress ?? "").hasSuffix($0.1.remainder) }
print("   standard address ends with the remainder as written: \(kept.count - dropped.count) of \(kept.count) successes")
for (result, truth) in dropped.prefix(5) { print("     dropped: \(truth.text) → \(result.standardAddress ?? "")") }
print("   wrong county with score ≥ 0.8: \(format(Double(wrongConfident) * 100 / Double(count), 3)) %")
if argument("--show-misses") != nil {
    for (result, truth) in zip(single, addresses).filter({ $0.0.code(at: .township) != $0.1.townshipCode }).prefix(40) {
        print(
            "   miss: \(truth.text) → \(result.standardAddress ?? result.failure?.code ?? "") (truth \(truth.townshipCode) \(truth.townshipName)) \(result.notes)"
        )
    }
}

print("== reverse geocoding")
let counties = gazetteer.boundaries.keys.sorted()
var random = SeededGenerator(state: 42)
var points: [(GeoPoint, String)] = []
while points.count < count, !counties.isEmpty {
    let code = counties[Int(random.next() % UInt64(counties.count))]
    guard let boundary = gazetteer.boundaries[code], let bounds = boundary.bounds else { continue }
    let lon = bounds.west + (bounds.east - bounds.west) * Double(random.next() % 1_000_000) / 1_000_000
    let lat = bounds.south + (bounds.north - bounds.south) * Double(random.next() % 1_000_000) / 1_000_000
    let point = GeoPoint(lon: lon, lat: lat)
    if boundary.contains(point) { points.append((point, code)) }
}
var latencies: [Double] = []
latencies.reserveCapacity(points.count)
var correct = 0
let (_, reverseTime) = measure {
    for (point, code) in points {
        let started = ContinuousClock.now
        let result = gazetteer.reverse(point, maxDistance: 0)
        latencies.append(seconds(ContinuousClock.now - started))
        if result.admin.contains(where: { $0.code == code }) { correct += 1 }
    }
}
latencies.sort()
let p50 = latencies[latencies.count / 2] * 1e6
let p99 = latencies[latencies.count * 99 / 100] * 1e6
print(
    "   \(points.count) points in \(counties.count) boundaries: \(format(Double(points.count) / reverseTime)) lookups/s single thread; latency p50 \(format(p50, 1)) µs, p99 \(format(p99, 1)) µs; county correct \(format(Double(correct) * 100 / Double(max(points.count, 1)), 2)) %"
)
let pointList = points.map(\.0)
let reverseBatch = measure {
    DispatchQueue.concurrentPerform(iterations: 8) { part in
        var index = part
        while index < pointList.count {
            _ = gazetteer.reverse(pointList[index], maxDistance: 0)
            index += 8
        }
    }
}
print("   batch (\(ProcessInfo.processInfo.activeProcessorCount) cores): \(format(Double(points.count) / reverseBatch.1)) lookups/s")

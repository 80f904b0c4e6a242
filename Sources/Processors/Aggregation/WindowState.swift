import Events
import Foundation

/// One window of one key of one aggregation: its statistics so far, what was emitted, and the
/// earliest input offset per partition that went into it (the aggregator's commits trail these).
struct WindowState: Sendable {
    let start: Int64
    let end: Int64
    let key: [String: String]
    let keyText: String
    var count = 0
    var lateEvents = 0
    var values: [String: ValueStatistics] = [:]
    var longitudeSum = 0.0
    var latitudeSum = 0.0
    var regionName: String?
    var regionCentroid: (Double, Double)?
    var theme: String?
    /// The last version emitted (0: none) and its digest.
    var emittedVersion = 0
    var emittedDigest: String?
    /// A late event changed it since it was emitted.
    var corrected = false
    /// Partition → the first offset that contributed.
    var firstOffsets: [Int32: Int64] = [:]

    init(start: Int64, end: Int64, key: [String: String], keyText: String) {
        self.start = start
        self.end = end
        self.key = key
        self.keyText = keyText
    }

    mutating func add(
        readings: some Sequence<(name: String, value: Double)>, longitude: Double, latitude: Double, partition: Int32, offset: Int64,
        keepSamples: Bool, late: Bool
    ) {
        count += 1
        if late { lateEvents += 1 }
        longitudeSum += longitude
        latitudeSum += latitude
        for (name, value) in readings {
            // Not `values[name, default: …]`: its default closure is allocated for every reading.
            if let index = values.index(forKey: name) {
                values.values[index].add(value)
            } else {
                var statistics = ValueStatistics(keepSamples: keepSamples)
                statistics.add(value)
                values[name] = statistics
            }
        }
        if let first = firstOffsets[partition] {
            if offset < first { firstOffsets[partition] = offset }
        } else {
            firstOffsets[partition] = offset
        }
    }

    /// The window's result at `version`.
    func result(aggregation: String, revision: UUID, statistics: [AggregationDefinition.Statistic], version: Int) -> AggregateWindow {
        AggregateWindow(
            aggregation: aggregation, revision: revision, key: key, windowStart: Date(timeIntervalSince1970: Double(start) / 1_000),
            windowEnd: Date(timeIntervalSince1970: Double(end) / 1_000), version: version, count: count, lateEvents: lateEvents,
            values: values.mapValues { $0.report(statistics) }, regionName: regionName)
    }
}

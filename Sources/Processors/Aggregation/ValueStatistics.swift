import Events

/// The running statistics of one value in one window: count, sum, minimum, maximum, Welford's mean
/// and sum of squared deviations (for a stable sample standard deviation), and the values themselves
/// when a percentile is asked for (percentiles are exact).
struct ValueStatistics: Sendable {
    var count = 0
    var sum = 0.0
    var minimum = Double.infinity
    var maximum = -Double.infinity
    var mean = 0.0
    var squares = 0.0
    var samples: [Double]?

    init(keepSamples: Bool) {
        samples = keepSamples ? [] : nil
    }

    mutating func add(_ value: Double) {
        count += 1
        sum += value
        if value < minimum { minimum = value }
        if value > maximum { maximum = value }
        let delta = value - mean
        mean += delta / Double(count)
        squares += delta * (value - mean)
        samples?.append(value)
    }

    /// The statistics asked for, by name; those undefined for this count (stddev of one value) are left out.
    func report(_ statistics: [AggregationDefinition.Statistic]) -> [String: Double] {
        var report: [String: Double] = [:]
        var sorted: [Double]?
        for statistic in statistics {
            switch statistic {
            case .count: report["count"] = Double(count)
            case .sum: report["sum"] = sum
            case .avg: if count > 0 { report["avg"] = sum / Double(count) }
            case .min: if count > 0 { report["min"] = minimum }
            case .max: if count > 0 { report["max"] = maximum }
            case .stddev: if count > 1 { report["stddev"] = (squares / Double(count - 1)).squareRoot() }
            case .p50, .p95:
                if sorted == nil { sorted = samples?.sorted() }
                if let sorted, !sorted.isEmpty { report[statistic.rawValue] = Self.percentile(sorted, statistic == .p50 ? 0.5 : 0.95) }
            }
        }
        return report
    }

    /// The continuous percentile of sorted values, interpolating linearly between the two nearest
    /// ranks (PostgreSQL's `percentile_cont`).
    static func percentile(_ sorted: [Double], _ fraction: Double) -> Double {
        let position = fraction * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = min(lower + 1, sorted.count - 1)
        let weight = position - Double(lower)
        return sorted[lower] + (sorted[upper] - sorted[lower]) * weight
    }
}

import Foundation

/// How `sensor_readings` is cut into partitions and how long readings stay in it (the event archive
/// keeps them regardless, so a rebuild can bring dropped ones back).
public struct ReadingPartitionPolicy: Sendable, Equatable {
    /// The span of one partition, in UTC calendar terms.
    public enum Unit: String, Sendable, CaseIterable {
        case day, week, month
    }

    public var unit: Unit
    /// Readings observed longer ago than this are dropped from the table (whole partitions, and the
    /// rows of the default partition); `nil`: keep everything.
    public var retention: Duration?
    /// Partitions made ahead of the current one, so a new period never starts in the default partition.
    public var ahead: Int

    public init(unit: Unit = .month, retention: Duration? = nil, ahead: Int = 2) {
        self.unit = unit
        self.retention = retention
        self.ahead = ahead
    }

    /// The oldest observation time kept at `now`, if there is a retention.
    public func horizon(at now: Date) -> Date? {
        retention.map { now.addingTimeInterval(-Double($0.components.seconds)) }
    }

    /// Parses a retention such as `400d`, `12w`, `36h` or `90m` (minutes); `off`, `none`, `forever`
    /// and `0` mean keep everything. Returns `nil` for text that is none of these.
    public static func parseRetention(_ text: String) -> Duration?? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        if ["off", "none", "forever", "0", ""].contains(trimmed) { return .some(nil) }
        guard let unit = trimmed.last, let count = Int(trimmed.dropLast()), count > 0 else { return nil }
        let seconds: Int
        switch unit {
        case "m": seconds = 60
        case "h": seconds = 3_600
        case "d": seconds = 86_400
        case "w": seconds = 7 * 86_400
        default: return nil
        }
        return .some(.seconds(count * seconds))
    }

    /// A retention as `parseRetention` reads it: `400d`, `36h`, or `off`.
    public static func describe(_ retention: Duration?) -> String {
        guard let seconds = retention?.components.seconds else { return "off" }
        if seconds % 86_400 == 0 { return "\(seconds / 86_400)d" }
        if seconds % 3_600 == 0 { return "\(seconds / 3_600)h" }
        return "\(seconds / 60)m"
    }
}

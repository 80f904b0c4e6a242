import Foundation

/// A length of time as definitions write it: `500ms`, `30s`, `1m`, `2h`, `1d` (or a number of
/// seconds). Kept in whole milliseconds, so window arithmetic is exact.
public struct TimeSpan: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var milliseconds: Int64

    public init(milliseconds: Int64) {
        self.milliseconds = milliseconds
    }

    public static func seconds(_ seconds: Int64) -> TimeSpan { TimeSpan(milliseconds: seconds * 1_000) }
    public static func minutes(_ minutes: Int64) -> TimeSpan { TimeSpan(milliseconds: minutes * 60_000) }

    public static let zero = TimeSpan(milliseconds: 0)

    private static let units: [(suffix: String, milliseconds: Int64)] = [
        ("ms", 1), ("s", 1_000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000),
    ]

    /// Parses `<number><unit>` (units ms, s, m, h, d) or a plain number of seconds.
    public init?(parsing text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        for unit in Self.units.sorted(by: { $0.suffix.count > $1.suffix.count }) where trimmed.hasSuffix(unit.suffix) {
            let number = trimmed.dropLast(unit.suffix.count)
            guard let value = Double(number), value.isFinite, value >= 0, value * Double(unit.milliseconds) < 1e15 else { return nil }
            self.init(milliseconds: Int64((value * Double(unit.milliseconds)).rounded()))
            return
        }
        guard let seconds = Double(trimmed), seconds.isFinite, seconds >= 0, seconds < 1e12 else { return nil }
        self.init(milliseconds: Int64((seconds * 1_000).rounded()))
    }

    /// The shortest exact spelling: `1m`, `90s`, `1500ms`.
    public var description: String {
        for unit in Self.units.reversed() where milliseconds % unit.milliseconds == 0 && milliseconds != 0 {
            return "\(milliseconds / unit.milliseconds)\(unit.suffix)"
        }
        return "\(milliseconds)ms"
    }

    public var seconds: Double { Double(milliseconds) / 1_000 }
    public var duration: Duration { .milliseconds(milliseconds) }

    public static func < (lhs: TimeSpan, rhs: TimeSpan) -> Bool { lhs.milliseconds < rhs.milliseconds }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let seconds = try? container.decode(Double.self) {
            guard seconds.isFinite, seconds >= 0, seconds < 1e12 else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "a time span is at least 0 seconds, not \(seconds)")
            }
            self.init(milliseconds: Int64((seconds * 1_000).rounded()))
            return
        }
        let text = try container.decode(String.self)
        guard let span = TimeSpan(parsing: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "\"\(text)\" is not a time span such as 500ms, 30s, 1m, 2h or 1d")
        }
        self = span
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

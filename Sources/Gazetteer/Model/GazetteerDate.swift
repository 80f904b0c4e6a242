import Foundation

/// A calendar day (Beijing time), the granularity of administrative changes. Codable as `YYYY-MM-DD`.
public struct GazetteerDate: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// `year * 10_000 + month * 100 + day`, so that numeric order is date order.
    public let ordinal: Int32

    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month), (1...31).contains(day) else { return nil }
        ordinal = Int32(year * 10_000 + month * 100 + day)
    }

    /// Parses `YYYY-MM-DD`, `YYYYMMDD`, or an RFC 3339 instant (its day in Beijing time).
    public init?(parsing text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let digits = trimmed.utf8.filter { $0 != UInt8(ascii: "-") }
        if trimmed.count <= 10, digits.count == 8, digits.allSatisfy({ (48...57).contains($0) }) {
            let value = digits.reduce(0) { $0 * 10 + Int($1 - 48) }
            self.init(year: value / 10_000, month: value / 100 % 100, day: value % 100)
            return
        }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let plain = ISO8601DateFormatter()
        guard let date = formatter.date(from: trimmed) ?? plain.date(from: trimmed) else { return nil }
        self.init(date)
    }

    /// The day of an instant in Beijing time (UTC+08:00).
    public init(_ date: Date) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 8 * 3600) ?? .gmt
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        ordinal = Int32((parts.year ?? 1970) * 10_000 + (parts.month ?? 1) * 100 + (parts.day ?? 1))
    }

    /// Today in Beijing time.
    public static var today: GazetteerDate { GazetteerDate(Date()) }

    public var year: Int { Int(ordinal) / 10_000 }
    public var month: Int { Int(ordinal) / 100 % 100 }
    public var day: Int { Int(ordinal) % 100 }

    public static func < (lhs: GazetteerDate, rhs: GazetteerDate) -> Bool { lhs.ordinal < rhs.ordinal }

    public var description: String {
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let parsed = GazetteerDate(parsing: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a date: \(text)"))
        }
        self = parsed
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// A half-open validity interval `[from, to)` of days; `nil` ends are open.
public struct Validity: Hashable, Sendable, Codable {
    public var from: GazetteerDate?
    public var to: GazetteerDate?

    public init(from: GazetteerDate? = nil, to: GazetteerDate? = nil) {
        self.from = from
        self.to = to
    }

    /// Valid since forever and still valid.
    public static let always = Validity()

    /// Whether the interval holds on a day.
    public func contains(_ day: GazetteerDate) -> Bool {
        if let from, day < from { return false }
        if let to, day >= to { return false }
        return true
    }

    /// Whether the interval is still open (valid today and after).
    public var isCurrent: Bool { to == nil }
}

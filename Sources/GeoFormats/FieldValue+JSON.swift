import Foundation

/// Plain JSON: strings, numbers, booleans and null, with dates and date-times as ISO 8601 text. Decoding
/// cannot tell a date from a string or `1.0` from `1`: `coerced(to:)` with the declared field type
/// restores them (the writer does that by itself).
extension FieldValue: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let flag = try? container.decode(Bool.self) {
            self = .boolean(flag)
        } else if let number = try? container.decode(Int64.self) {
            self = .integer(number)
        } else if let number = try? container.decode(Double.self) {
            self = .real(number)
        } else {
            self = .string(try container.decode(String.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .string(let text): try container.encode(text)
        case .integer(let number): try container.encode(number)
        case .real(let number): try container.encode(number)
        case .boolean(let flag): try container.encode(flag)
        case .date(let date): try container.encode(date.description)
        case .dateTime(let time): try container.encode(time.description)
        }
    }

    /// This value as the declared type, or `nil` when it cannot be (text that is no date, a fractional
    /// real for an integer field). Null stays null; anything becomes a string.
    public func coerced(to type: FieldType) -> FieldValue? {
        switch (self, type) {
        case (.null, _): return .null
        case (_, .string): return .string(stringValue)
        case (.integer, .integer), (.real, .real), (.boolean, .boolean), (.date, .date), (.dateTime, .dateTime): return self
        case (.real(let number), .integer):
            guard number.rounded() == number, let exact = Int64(exactly: number) else { return nil }
            return .integer(exact)
        case (.integer(let number), .real): return .real(Double(number))
        case (.string(let text), .integer): return Int64(text.trimmingCharacters(in: .whitespaces)).map(FieldValue.integer)
        case (.string(let text), .real): return Double(text.trimmingCharacters(in: .whitespaces)).map(FieldValue.real)
        case (.string(let text), .boolean):
            switch text.trimmingCharacters(in: .whitespaces).lowercased() {
            case "true", "t", "yes", "1": return .boolean(true)
            case "false", "f", "no", "0": return .boolean(false)
            default: return nil
            }
        case (.integer(let number), .boolean) where number == 0 || number == 1: return .boolean(number == 1)
        case (.string(let text), .date): return CivilDate(parsing: text).map(FieldValue.date)
        case (.string(let text), .dateTime): return CivilDateTime(parsing: text).map(FieldValue.dateTime)
        case (.dateTime(let time), .date): return .date(time.date)
        case (.date(let date), .dateTime): return .dateTime(CivilDateTime(date: date, hour: 0, minute: 0, second: 0))
        default: return nil
        }
    }

    /// The value as text: ISO 8601 for dates, `true`/`false`, empty for null.
    public var stringValue: String {
        switch self {
        case .null: ""
        default: description
        }
    }
}

extension CivilDate {
    /// Parses `YYYY-MM-DD` (or with `/`).
    public init?(parsing text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(omittingEmptySubsequences: false) { $0 == "-" || $0 == "/" }
        guard parts.count == 3, parts[0].count == 4, let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        self.init(year: year, month: month, day: day)
    }
}

extension CivilDateTime {
    /// Parses ISO 8601 / RFC 3339 date-times, `T` or space between date and time, seconds and
    /// fractions optional, then `Z`, `±HH`, `±HHMM` or `±HH:MM`, or nothing (zone unknown).
    public init?(parsing text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let separator = trimmed.firstIndex(where: { $0 == "T" || $0 == "t" || $0 == " " }),
            let date = CivilDate(parsing: String(trimmed[..<separator]))
        else { return nil }
        var rest = Substring(trimmed[trimmed.index(after: separator)...])
        var zone = Zone.unknown
        if rest.hasSuffix("Z") || rest.hasSuffix("z") {
            zone = .utc
            rest = rest.dropLast()
        } else if let sign = rest.lastIndex(where: { $0 == "+" || $0 == "-" }) {
            let offset = rest[rest.index(after: sign)...].replacingOccurrences(of: ":", with: "")
            guard offset.count == 2 || offset.count == 4, let hours = Int(offset.prefix(2)),
                let minutes = Int(offset.dropFirst(2).isEmpty ? "0" : offset.dropFirst(2))
            else { return nil }
            zone = .offset(minutes: (rest[sign] == "-" ? -1 : 1) * (hours * 60 + minutes))
            rest = rest[..<sign]
        }
        let fields = rest.split(separator: ":", omittingEmptySubsequences: false)
        guard fields.count == 2 || fields.count == 3, let hour = Int(fields[0]), let minute = Int(fields[1]), (0...23).contains(hour),
            (0...59).contains(minute)
        else { return nil }
        var second = 0
        var millisecond = 0
        if fields.count == 3 {
            guard let value = Double(fields[2]), (0..<61).contains(value) else { return nil }
            second = Int(value.rounded(.down))
            millisecond = min(999, Int(((value - Double(second)) * 1000).rounded()))
        }
        self.init(date: date, hour: hour, minute: minute, second: second, millisecond: millisecond, zone: zone)
    }
}

/// A typed attribute value, as OGR holds it. Integers and reals stay apart so that round trips are lossless.
public enum FieldValue: Sendable, Hashable, CustomStringConvertible {
    case string(String)
    case integer(Int64)
    case real(Double)
    case boolean(Bool)
    case date(CivilDate)
    case dateTime(CivilDateTime)
    case null

    /// The field type this value naturally belongs to; `nil` for `.null`.
    public var fieldType: FieldType? {
        switch self {
        case .string: .string
        case .integer: .integer
        case .real: .real
        case .boolean: .boolean
        case .date: .date
        case .dateTime: .dateTime
        case .null: nil
        }
    }

    public var isNull: Bool { self == .null }

    public var description: String {
        switch self {
        case .string(let text): text
        case .integer(let value): String(value)
        case .real(let value): String(value)
        case .boolean(let value): String(value)
        case .date(let value): value.description
        case .dateTime(let value): value.description
        case .null: "null"
        }
    }
}

/// A calendar date without a time zone.
public struct CivilDate: Sendable, Hashable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// `YYYY-MM-DD`.
    public var description: String { "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))" }
}

/// A date and time of day as OGR holds it: to the millisecond, with a time zone that may be unknown.
public struct CivilDateTime: Sendable, Hashable, CustomStringConvertible {
    /// What the source said about the time zone.
    public enum Zone: Sendable, Hashable {
        /// Nothing (OGR's TZFlag 0).
        case unknown
        /// Local time of an unnamed zone (TZFlag 1).
        case local
        /// A fixed offset from UTC in minutes, a multiple of 15 (TZFlag 100 ± n).
        case offset(minutes: Int)

        /// UTC.
        public static let utc = Zone.offset(minutes: 0)
    }

    public var date: CivilDate
    public var hour: Int
    public var minute: Int
    public var second: Int
    public var millisecond: Int
    public var zone: Zone

    public init(date: CivilDate, hour: Int, minute: Int, second: Int, millisecond: Int = 0, zone: Zone = .unknown) {
        self.date = date
        self.hour = hour
        self.minute = minute
        self.second = second
        self.millisecond = millisecond
        self.zone = zone
    }

    /// RFC 3339 / ISO 8601 text: `2024-03-01T12:34:56.789+08:00`; no offset when the zone is not known.
    public var description: String {
        var text = "\(date)T\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2))"
        if millisecond != 0 { text += ".\(pad(millisecond, 3))" }
        if case .offset(let minutes) = zone {
            if minutes == 0 {
                text += "Z"
            } else {
                text += (minutes < 0 ? "-" : "+") + "\(pad(abs(minutes) / 60, 2)):\(pad(abs(minutes) % 60, 2))"
            }
        }
        return text
    }

    /// Seconds since 1970-01-01T00:00:00Z, when the offset is known.
    public var secondsSince1970: Double? {
        guard case .offset(let minutes) = zone else { return nil }
        let days = daysFromCivil(year: date.year, month: date.month, day: date.day)
        let seconds = ((days * 24 + hour) * 60 + minute - minutes) * 60 + second
        return Double(seconds) + Double(millisecond) / 1000
    }
}

private func pad(_ value: Int, _ width: Int) -> String {
    let digits = String(abs(value))
    let padded = String(repeating: "0", count: max(0, width - digits.count)) + digits
    return value < 0 ? "-" + padded : padded
}

/// Days from 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's algorithm).
private func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
}

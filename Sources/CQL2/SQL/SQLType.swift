/// The type of an operand as the translator checks it.
enum SQLType: Sendable, Equatable {
    case string, number, integer, boolean, date, timestamp, interval, geometry

    init(_ type: Queryable.ValueType) {
        switch type {
        case .string: self = .string
        case .number: self = .number
        case .integer: self = .integer
        case .boolean: self = .boolean
        case .date: self = .date
        case .timestamp: self = .timestamp
        case .interval: self = .interval
        case .geometry: self = .geometry
        }
    }

    var isNumeric: Bool { self == .number || self == .integer }
    var isInstant: Bool { self == .date || self == .timestamp }

    /// "a string", "an interval", … for messages.
    var phrase: String {
        switch self {
        case .string: "a string"
        case .number: "a number"
        case .integer: "an integer"
        case .boolean: "a boolean"
        case .date: "a date"
        case .timestamp: "a timestamp"
        case .interval: "an interval"
        case .geometry: "a geometry"
        }
    }
}

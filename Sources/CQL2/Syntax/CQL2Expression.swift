import Foundation

/// A parsed CQL2 expression: the one syntax tree that both cql2-text and cql2-json parse into, so the
/// same filter written in either encoding gives an equal value.
///
/// `x NOT LIKE p`, `x NOT BETWEEN a AND b`, `x NOT IN (…)` and `x IS NOT NULL` are `.not` around the
/// positive predicate, as in cql2-json. Types are not checked here: ``CQL2Translator`` checks them
/// against the queryables.
public indirect enum CQL2Expression: Hashable, Sendable {
    case and([CQL2Expression])
    case or([CQL2Expression])
    case not(CQL2Expression)
    case comparison(CQL2ComparisonOperator, CQL2Expression, CQL2Expression)
    /// `value LIKE pattern`; `%` and `_` are the wildcards and `\` escapes them.
    case like(CQL2Expression, pattern: CQL2Expression)
    /// `value BETWEEN low AND high`, both ends included.
    case between(CQL2Expression, low: CQL2Expression, high: CQL2Expression)
    case inList(CQL2Expression, [CQL2Expression])
    case isNull(CQL2Expression)
    case spatial(CQL2SpatialOperator, CQL2Expression, CQL2Expression)
    /// `S_DWITHIN(a, b, distance, units)` (an extension of CQL2): the geodesic distance between `a`
    /// and `b` is at most `distance` in `units`.
    case distanceWithin(CQL2Expression, CQL2Expression, distance: Double, units: CQL2DistanceUnit)
    case temporal(CQL2TemporalOperator, CQL2Expression, CQL2Expression)
    case arithmetic(CQL2ArithmeticOperator, CQL2Expression, CQL2Expression)
    /// `CASEI(x)`: compare case-insensitively.
    case caseInsensitive(CQL2Expression)
    /// `ACCENTI(x)`: compare accent-insensitively.
    case accentInsensitive(CQL2Expression)
    case property(String)
    case string(String)
    case number(Double)
    case boolean(Bool)
    case date(CQL2Date)
    case timestamp(CQL2Timestamp)
    /// `INTERVAL(start, end)`: each end is a `.date`, `.timestamp`, `.unbounded` (`'..'`) or a property.
    case interval(CQL2Expression, CQL2Expression)
    /// `'..'`: an open end of an interval.
    case unbounded
    case geometry(CQL2Geometry)
    /// `BBOX(west, south, east, north)`, or with six numbers `BBOX(west, south, min z, east, north, max z)`.
    case bbox([Double])
}

/// `=`, `<>`, `<`, `<=`, `>`, `>=`.
public enum CQL2ComparisonOperator: String, Hashable, Sendable, CaseIterable {
    case equal = "="
    case notEqual = "<>"
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
}

/// The spatial comparison functions of CQL2 (`S_INTERSECTS` …), named as in cql2-text.
public enum CQL2SpatialOperator: String, Hashable, Sendable, CaseIterable {
    case intersects = "S_INTERSECTS"
    case equals = "S_EQUALS"
    case disjoint = "S_DISJOINT"
    case touches = "S_TOUCHES"
    case within = "S_WITHIN"
    case overlaps = "S_OVERLAPS"
    case crosses = "S_CROSSES"
    case contains = "S_CONTAINS"
}

/// The temporal comparison functions of CQL2 (`T_AFTER` …), named as in cql2-text.
public enum CQL2TemporalOperator: String, Hashable, Sendable, CaseIterable {
    case after = "T_AFTER"
    case before = "T_BEFORE"
    case contains = "T_CONTAINS"
    case disjoint = "T_DISJOINT"
    case during = "T_DURING"
    case equals = "T_EQUALS"
    case finishedBy = "T_FINISHEDBY"
    case finishes = "T_FINISHES"
    case intersects = "T_INTERSECTS"
    case meets = "T_MEETS"
    case metBy = "T_METBY"
    case overlappedBy = "T_OVERLAPPEDBY"
    case overlaps = "T_OVERLAPS"
    case startedBy = "T_STARTEDBY"
    case starts = "T_STARTS"
}

/// `+`, `-`, `*`, `/`, `%` (remainder), `div` (integer division), `^` (power).
public enum CQL2ArithmeticOperator: String, Hashable, Sendable, CaseIterable {
    case add = "+"
    case subtract = "-"
    case multiply = "*"
    case divide = "/"
    case remainder = "%"
    case integerDivide = "div"
    case power = "^"
}

/// Units of an `S_DWITHIN` distance.
public enum CQL2DistanceUnit: String, Hashable, Sendable, CaseIterable {
    case metres = "meters"
    case kilometres = "kilometers"
    case feet
    case statuteMiles = "statute miles"
    case nauticalMiles = "nautical miles"

    /// Metres in one unit.
    public var metres: Double {
        switch self {
        case .metres: 1
        case .kilometres: 1_000
        case .feet: 0.3048
        case .statuteMiles: 1_609.344
        case .nauticalMiles: 1_852
        }
    }

    /// Accepts the names above, British spellings, and `m`, `km`, `ft`, `mi`, `nmi`; any case.
    public init?(parsing text: String) {
        switch text.lowercased().trimmingCharacters(in: .whitespaces) {
        case "m", "meter", "meters", "metre", "metres": self = .metres
        case "km", "kilometer", "kilometers", "kilometre", "kilometres": self = .kilometres
        case "ft", "foot", "feet": self = .feet
        case "mi", "mile", "miles", "statute mile", "statute miles", "statute_miles": self = .statuteMiles
        case "nmi", "nautical mile", "nautical miles", "nautical_miles": self = .nauticalMiles
        default: return nil
        }
    }
}

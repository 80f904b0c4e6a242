extension CQL2Expression: CustomStringConvertible {
    /// The expression in cql2-text, fully parenthesised; parsing it gives back an equal expression.
    public var description: String {
        switch self {
        case .and(let items): return "(" + items.map(\.description).joined(separator: " AND ") + ")"
        case .or(let items): return "(" + items.map(\.description).joined(separator: " OR ") + ")"
        case .not(let item): return "NOT \(item)"
        case .comparison(let op, let a, let b): return "(\(a) \(op.rawValue) \(b))"
        case .like(let value, let pattern): return "(\(value) LIKE \(pattern))"
        case .between(let value, let low, let high): return "(\(value) BETWEEN \(low) AND \(high))"
        case .inList(let value, let list): return "(\(value) IN (" + list.map(\.description).joined(separator: ", ") + "))"
        case .isNull(let value): return "(\(value) IS NULL)"
        case .spatial(let op, let a, let b): return "\(op.rawValue)(\(a), \(b))"
        case .distanceWithin(let a, let b, let distance, let units):
            return "S_DWITHIN(\(a), \(b), \(formatNumber(distance)), '\(units.rawValue)')"
        case .temporal(let op, let a, let b): return "\(op.rawValue)(\(a), \(b))"
        case .arithmetic(let op, let a, let b): return "(\(a) \(op.rawValue) \(b))"
        case .caseInsensitive(let value): return "CASEI(\(value))"
        case .accentInsensitive(let value): return "ACCENTI(\(value))"
        case .property(let name): return "\"\(name)\""
        case .string(let text): return "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
        case .number(let value): return formatNumber(value)
        case .boolean(let value): return value ? "TRUE" : "FALSE"
        case .date(let date): return "DATE('\(date)')"
        case .timestamp(let timestamp): return "TIMESTAMP('\(timestamp)')"
        case .interval(let start, let end): return "INTERVAL(\(Self.intervalEnd(start)), \(Self.intervalEnd(end)))"
        case .unbounded: return "'..'"
        case .geometry(let geometry): return geometry.wkt
        case .bbox(let numbers): return "BBOX(" + numbers.map(formatNumber).joined(separator: ", ") + ")"
        }
    }

    private static func intervalEnd(_ end: CQL2Expression) -> String {
        switch end {
        case .date(let date): "'\(date)'"
        case .timestamp(let timestamp): "'\(timestamp)'"
        default: end.description
        }
    }
}

/// Temporal functions: the Allen relations of CQL2 on closed intervals, instants being intervals
/// whose start is their end.
extension SQLWriter {
    mutating func temporal(_ op: CQL2TemporalOperator, _ a: CQL2Expression, _ b: CQL2Expression) throws(CQL2Error) -> String {
        let (ls, le) = try temporalBounds(a, function: op.rawValue)
        let (rs, re) = try temporalBounds(b, function: op.rawValue)
        let condition =
            switch op {
            case .after: "\(ls) > \(re)"
            case .before: "\(le) < \(rs)"
            case .contains: "\(ls) < \(rs) AND \(le) > \(re)"
            case .disjoint: "\(le) < \(rs) OR \(ls) > \(re)"
            case .during: "\(ls) > \(rs) AND \(le) < \(re)"
            case .equals: "\(ls) = \(rs) AND \(le) = \(re)"
            case .finishedBy: "\(ls) < \(rs) AND \(le) = \(re)"
            case .finishes: "\(ls) > \(rs) AND \(le) = \(re)"
            case .intersects: "\(ls) <= \(re) AND \(le) >= \(rs)"
            case .meets: "\(le) = \(rs)"
            case .metBy: "\(ls) = \(re)"
            case .overlappedBy: "\(ls) > \(rs) AND \(ls) < \(re) AND \(le) > \(re)"
            case .overlaps: "\(ls) < \(rs) AND \(le) > \(rs) AND \(le) < \(re)"
            case .startedBy: "\(ls) = \(rs) AND \(le) > \(re)"
            case .starts: "\(ls) = \(rs) AND \(le) < \(re)"
            }
        return "(\(condition))"
    }

    /// Start and end of a temporal operand as `timestamptz` SQL; open ends are ∓infinity.
    mutating func temporalBounds(_ expression: CQL2Expression, function: String) throws(CQL2Error) -> (String, String) {
        switch expression {
        case .property(let name):
            let queryable = try translator.queryables.require(name)
            switch (queryable.type, queryable.storage) {
            case (.timestamp, _), (.date, _):
                let sql = try property(name, as: .timestamp)
                return (sql, sql)
            case (.interval, .columns(let start, let end)):
                if queryable.nullable {
                    return ("coalesce((\(start)), '-infinity'::timestamptz)", "coalesce((\(end)), 'infinity'::timestamptz)")
                }
                return ("(\(start))", "(\(end))")
            case (.interval, .range(let sql)):
                return (
                    "(CASE WHEN lower_inf(\(sql)) THEN '-infinity'::timestamptz ELSE lower(\(sql)) END)",
                    "(CASE WHEN upper_inf(\(sql)) THEN 'infinity'::timestamptz ELSE upper(\(sql)) END)"
                )
            case (.interval, .expression(let sql)):
                return ("lower(\(sql))", "upper(\(sql))")
            default:
                throw CQL2Error(
                    .typeMismatch, "\(function) needs instants or intervals; \(name) is \(SQLType(queryable.type).phrase)")
            }
        case .date, .timestamp:
            let sql = try scalar(expression, as: .timestamp)
            return (sql, sql)
        case .interval(let start, let end):
            if let first = Self.instant(start), let last = Self.instant(end), last < first {
                throw CQL2Error(.invalidValue, "\(Self.describe(expression)) ends before it starts")
            }
            return (
                try intervalEnd(start, open: "'-infinity'::timestamptz", function: function),
                try intervalEnd(end, open: "'infinity'::timestamptz", function: function)
            )
        default:
            let type = try type(of: expression)
            throw CQL2Error(.typeMismatch, "\(function) needs instants or intervals; \(Self.describe(expression)) is \(type.phrase)")
        }
    }

    private mutating func intervalEnd(_ expression: CQL2Expression, open: String, function: String) throws(CQL2Error) -> String {
        switch expression {
        case .unbounded: return open
        case .date, .timestamp: return try scalar(expression, as: .timestamp)
        case .property(let name):
            let queryable = try translator.queryables.require(name)
            guard queryable.type == .timestamp || queryable.type == .date else {
                throw CQL2Error(.typeMismatch, "an end of INTERVAL(…) must be an instant; \(name) is \(SQLType(queryable.type).phrase)")
            }
            return try property(name, as: .timestamp)
        default:
            throw CQL2Error(
                .typeMismatch, "an end of INTERVAL(…) must be '..', a date, a timestamp or an instant property, not \(Self.describe(expression))")
        }
    }

    private static func instant(_ expression: CQL2Expression) -> CQL2Timestamp? {
        switch expression {
        case .date(let date): CQL2Timestamp(startOf: date)
        case .timestamp(let timestamp): timestamp
        default: nil
        }
    }
}

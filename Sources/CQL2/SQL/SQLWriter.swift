import PostgresNIO

/// Builds the SQL of one translation, appending literals to its bindings as it goes.
struct SQLWriter {
    let translator: CQL2Translator
    var bindings: PostgresBindings

    /// Whether a predicate's result ends up negated, which decides how a NULL must be read.
    enum Polarity {
        case positive, negative, unknown
        var negated: Polarity {
            switch self {
            case .positive: .negative
            case .negative: .positive
            case .unknown: .unknown
            }
        }
    }

    // MARK: Predicates

    mutating func predicate(_ expression: CQL2Expression, polarity: Polarity) throws(CQL2Error) -> String {
        switch expression {
        case .and(let items):
            var parts: [String] = []
            for item in items { parts.append(try predicate(item, polarity: polarity)) }
            return "(" + parts.joined(separator: " AND ") + ")"
        case .or(let items):
            var parts: [String] = []
            for item in items { parts.append(try predicate(item, polarity: polarity)) }
            return "(" + parts.joined(separator: " OR ") + ")"
        case .not(let item):
            return "(NOT \(try predicate(item, polarity: polarity.negated)))"
        case .comparison(let op, let a, let b):
            let domain = try comparisonDomain([a, b], operation: "\(op.rawValue)")
            return "(\(try scalar(a, as: domain)) \(op.rawValue) \(try scalar(b, as: domain)))"
        case .like(let value, let pattern):
            return try like(value, pattern)
        case .between(let value, let low, let high):
            let domain = try comparisonDomain([value, low, high], operation: "BETWEEN")
            return "(\(try scalar(value, as: domain)) BETWEEN \(try scalar(low, as: domain)) AND \(try scalar(high, as: domain)))"
        case .inList(let value, let list):
            return try inList(value, list)
        case .isNull(let value):
            return "(\(try anyOperand(value)) IS NULL)"
        case .spatial(let op, let a, let b):
            return guarded(try spatial(op, a, b), polarity)
        case .distanceWithin(let a, let b, let distance, let units):
            return guarded(try distanceWithin(a, b, metres: distance * units.metres), polarity)
        case .temporal(let op, let a, let b):
            return guarded(try temporal(op, a, b), polarity)
        case .boolean(let value):
            return bind(value)
        case .property(let name):
            let queryable = try translator.queryables.require(name)
            guard queryable.type == .boolean else {
                throw CQL2Error(
                    .typeMismatch, "\(name) is \(SQLType(queryable.type).phrase), not a condition; compare it with something, e.g. \(name) = …")
            }
            return try property(name, as: .boolean)
        default:
            throw CQL2Error(.typeMismatch, "\(Self.describe(expression)) is not a condition; a filter must be true or false for each feature")
        }
    }

    /// A NULL from a spatial or temporal function counts as false (CQL2 says they are true or
    /// false); only where a NOT could turn an unknown into a match does that need spelling out.
    private func guarded(_ sql: String, _ polarity: Polarity) -> String {
        polarity == .positive ? sql : "coalesce(\(sql), false)"
    }

    private mutating func like(_ value: CQL2Expression, _ pattern: CQL2Expression) throws(CQL2Error) -> String {
        for (operand, role) in [(value, "value"), (pattern, "pattern")] {
            let type = try type(of: operand)
            guard type == .string else {
                throw CQL2Error(.typeMismatch, "LIKE needs a string \(role); \(Self.describe(operand)) is \(type.phrase)")
            }
        }
        if let text = Self.literalText(pattern) {
            let trailingBackslashes = text.reversed().prefix { $0 == "\\" }.count
            guard trailingBackslashes % 2 == 0 else {
                throw CQL2Error(.invalidValue, "the LIKE pattern '\(text)' ends with the escape character \\; write \\\\ for a backslash")
            }
        }
        return "(\(try scalar(value, as: .string)) LIKE \(try scalar(pattern, as: .string)))"
    }

    private static func literalText(_ expression: CQL2Expression) -> String? {
        switch expression {
        case .string(let text): text
        case .caseInsensitive(let inner), .accentInsensitive(let inner): literalText(inner)
        default: nil
        }
    }

    private mutating func inList(_ value: CQL2Expression, _ list: [CQL2Expression]) throws(CQL2Error) -> String {
        let domain = try comparisonDomain([value] + list, operation: "IN")
        let left = try scalar(value, as: domain)
        // A list of plain literals is one array parameter, however long.
        let strings = list.compactMap { if case .string(let text) = $0 { text } else { nil } }
        let numbers = list.compactMap { if case .number(let number) = $0 { number } else { nil } }
        if domain == .string, strings.count == list.count {
            return "(\(left) = ANY(\(bind(strings))))"
        }
        if domain.isNumeric, numbers.count == list.count {
            let integers = numbers.compactMap(Self.exactInteger)
            if domain == .integer, integers.count == numbers.count {
                return "(\(left) = ANY(\(bind(integers))))"
            }
            return "(\(left) = ANY(\(bind(numbers))))"
        }
        var items: [String] = []
        for item in list { items.append(try scalar(item, as: domain)) }
        return "(\(left) IN (" + items.joined(separator: ", ") + "))"
    }

    // MARK: Types

    /// The type an expression has, checking its parts.
    func type(of expression: CQL2Expression) throws(CQL2Error) -> SQLType {
        switch expression {
        case .property(let name): return SQLType(try translator.queryables.require(name).type)
        case .string: return .string
        case .number: return .number
        case .boolean: return .boolean
        case .date: return .date
        case .timestamp: return .timestamp
        case .interval: return .interval
        case .geometry, .bbox: return .geometry
        case .unbounded: throw CQL2Error(.syntax, "'..' is only allowed as an end of INTERVAL(…)")
        case .arithmetic(let op, let a, let b):
            for operand in [a, b] {
                let type = try type(of: operand)
                guard type.isNumeric else {
                    throw CQL2Error(.typeMismatch, "arithmetic (\(op.rawValue)) needs numbers; \(Self.describe(operand)) is \(type.phrase)")
                }
            }
            return .number
        case .caseInsensitive(let inner), .accentInsensitive(let inner):
            let type = try type(of: inner)
            guard type == .string else {
                let name = if case .caseInsensitive = expression { "CASEI" } else { "ACCENTI" }
                throw CQL2Error(.typeMismatch, "\(name) needs a string; \(Self.describe(inner)) is \(type.phrase)")
            }
            return .string
        case .and, .or, .not, .comparison, .like, .between, .inList, .isNull, .spatial, .distanceWithin, .temporal:
            return .boolean
        }
    }

    /// The type both sides of a comparison are written in, or a type error.
    private func comparisonDomain(_ operands: [CQL2Expression], operation: String) throws(CQL2Error) -> SQLType {
        var domain: SQLType?
        var first: CQL2Expression?
        for operand in operands {
            let type = try type(of: operand)
            switch type {
            case .interval:
                throw CQL2Error(
                    .typeMismatch,
                    "\(Self.describe(operand)) is an interval; compare intervals with T_INTERSECTS, T_DURING, T_BEFORE, T_AFTER or another temporal function, not \(operation)"
                )
            case .geometry:
                throw CQL2Error(
                    .typeMismatch,
                    "\(Self.describe(operand)) is a geometry; compare geometries with S_INTERSECTS, S_EQUALS, S_WITHIN or another spatial function, not \(operation)"
                )
            default: break
            }
            guard let current = domain, let firstOperand = first else {
                domain = type
                first = operand
                continue
            }
            if current == type {
                continue
            } else if current.isNumeric, type.isNumeric {
                domain = .integer == current || .integer == type ? .integer : .number
            } else if current.isInstant, type.isInstant {
                domain = .timestamp
            } else {
                var hint = ""
                if type == .string, current.isInstant || current == .date {
                    hint = "; write a date as DATE('YYYY-MM-DD') and an instant as TIMESTAMP('YYYY-MM-DDTHH:MM:SSZ')"
                } else if current == .string, type.isNumeric, case .number = operand {
                    hint = "; quote the value ('…') to compare it as a string"
                } else if current.isNumeric, type == .string, case .string = operand {
                    hint = "; write the number without quotes"
                } else if current == .boolean, type == .string, case .string = operand {
                    hint = "; write TRUE or FALSE without quotes"
                }
                throw CQL2Error(
                    .typeMismatch,
                    "cannot compare \(Self.describe(firstOperand)) (\(current.phrase)) with \(Self.describe(operand)) (\(type.phrase)) in \(operation)\(hint)"
                )
            }
        }
        return domain ?? .string
    }

    // MARK: Scalars

    /// `expression` as SQL of the comparison domain `domain` (which only decides how literals are bound).
    mutating func scalar(_ expression: CQL2Expression, as domain: SQLType) throws(CQL2Error) -> String {
        switch expression {
        case .property(let name): return try property(name, as: domain)
        case .string(let text): return bind(text)
        case .number(let value):
            if domain == .integer, let integer = Self.exactInteger(value) { return bind(integer) }
            return bind(value)
        case .boolean(let value): return bind(value)
        case .date(let date):
            if domain == .timestamp { return bind(CQL2Timestamp(startOf: date).description) + "::timestamptz" }
            return bind(date.description) + "::date"
        case .timestamp(let timestamp): return bind(timestamp.description) + "::timestamptz"
        case .arithmetic: return try arithmetic(expression)
        case .caseInsensitive(let inner): return "lower(\(try scalar(inner, as: .string)))"
        case .accentInsensitive(let inner):
            guard let function = translator.accentInsensitiveFunction else {
                throw CQL2Error(.unsupported, "ACCENTI (accent-insensitive comparison) is not supported by this server")
            }
            return "\(function)(\(try scalar(inner, as: .string)))"
        case .and, .or, .not, .comparison, .like, .between, .inList, .isNull, .spatial, .distanceWithin, .temporal:
            return try predicate(expression, polarity: .unknown)
        case .interval, .unbounded, .geometry, .bbox:
            throw CQL2Error(.typeMismatch, "\(Self.describe(expression)) cannot be used here")
        }
    }

    /// A queryable's SQL, in parentheses; a date as a timestamp when compared with timestamps.
    mutating func property(_ name: String, as domain: SQLType) throws(CQL2Error) -> String {
        let queryable = try translator.queryables.require(name)
        guard case .expression(let sql) = queryable.storage else {
            throw CQL2Error(.typeMismatch, "\(name) is an interval; use it in a temporal function such as T_INTERSECTS(\(name), …)")
        }
        if queryable.type == .date, domain == .timestamp {
            return "((\(sql))::timestamp AT TIME ZONE 'UTC')"
        }
        return "(\(sql))"
    }

    /// Arithmetic in `float8`; division and remainder by zero are NULL rather than an error.
    private mutating func arithmetic(_ expression: CQL2Expression) throws(CQL2Error) -> String {
        guard case .arithmetic(let op, let a, let b) = expression else { return try numeric(expression) }
        _ = try type(of: expression)
        let left = try numeric(a)
        let right = try numeric(b)
        switch op {
        case .add, .subtract, .multiply: return "(\(left) \(op.rawValue) \(right))"
        case .divide: return "(\(left) / NULLIF(\(right), 0))"
        case .integerDivide: return "trunc(\(left) / NULLIF(\(right), 0))"
        case .remainder: return "(mod((\(left))::numeric, NULLIF(\(right), 0)::numeric))::float8"
        case .power: return "power(\(left), \(right))"
        }
    }

    private mutating func numeric(_ expression: CQL2Expression) throws(CQL2Error) -> String {
        switch expression {
        case .number(let value): return bind(value)
        case .arithmetic: return try arithmetic(expression)
        default: return "(\(try scalar(expression, as: .number)))::float8"
        }
    }

    /// Any operand of IS NULL, whatever its type.
    private mutating func anyOperand(_ expression: CQL2Expression) throws(CQL2Error) -> String {
        let type = try type(of: expression)
        switch type {
        case .geometry: return try geometry(expression, function: "IS NULL")
        case .interval:
            if case .property(let name) = expression {
                let queryable = try translator.queryables.require(name)
                switch queryable.storage {
                case .columns(let start, let end): return "(CASE WHEN (\(start)) IS NULL AND (\(end)) IS NULL THEN NULL ELSE 1 END)"
                case .range(let sql): return "(\(sql))"
                case .expression(let sql): return "(\(sql))"
                }
            }
            let (start, _) = try temporalBounds(expression, function: "IS NULL")
            return start
        default:
            return try scalar(expression, as: type)
        }
    }

    // MARK: Helpers

    mutating func bind<Value: PostgresDynamicTypeEncodable>(_ value: Value) -> String {
        bindings.append(value)
        return "$\(bindings.count)"
    }

    static func exactInteger(_ value: Double) -> Int64? {
        guard value == value.rounded(), abs(value) <= 9_007_199_254_740_992 else { return nil }
        return Int64(value)
    }

    /// An operand as a message shows it: a property by name, anything else as cql2-text.
    static func describe(_ expression: CQL2Expression) -> String {
        if case .property(let name) = expression { return name }
        let text = expression.description
        return text.count > 60 ? String(text.prefix(60)) + "…" : text
    }
}

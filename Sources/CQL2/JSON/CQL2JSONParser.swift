import JSON

/// Turns cql2-json (OGC 21-065, the `booleanExpression` schema) into a ``CQL2Expression``. Errors
/// name the JSON Pointer of the offending member, e.g. `/args/1/args/0`.
struct CQL2JSONParser {
    static func parse(_ text: String) throws(CQL2Error) -> CQL2Expression {
        let json: JSONValue
        do {
            json = try JSONParser.parse(text)
        } catch {
            throw CQL2Error(.syntax, error.description)
        }
        return try expression(json, at: "")
    }

    static func expression(_ json: JSONValue, at path: String) throws(CQL2Error) -> CQL2Expression {
        switch json {
        case .null:
            throw failure(.syntax, "null is not a CQL2 expression (test for missing values with {\"op\":\"isNull\",\"args\":[…]})", path)
        case .bool(let value): return .boolean(value)
        case .number(let value): return .number(value)
        case .string(let text): return .string(text)
        case .array:
            throw failure(.syntax, "an array is only allowed as the list of \"in\", the \"interval\" and \"bbox\" values and \"args\"", path)
        case .object(let members):
            if let op = json["op"] { return try operation(op, json, at: path) }
            if let name = json["property"] {
                try only(["property"], in: members, at: path)
                guard case .string(let text) = name, !text.isEmpty else { throw failure(.syntax, "\"property\" must be a non-empty string", path) }
                return .property(text)
            }
            if let value = json["date"] {
                try only(["date"], in: members, at: path)
                guard case .string(let text) = value, let date = CQL2Date(parsing: text) else {
                    throw failure(.invalidValue, "\"date\" must be a string YYYY-MM-DD naming a real day, not \(value.summary)", path)
                }
                return .date(date)
            }
            if let value = json["timestamp"] {
                try only(["timestamp"], in: members, at: path)
                guard case .string(let text) = value, let timestamp = CQL2Timestamp(parsing: text) else {
                    throw failure(.invalidValue, "\"timestamp\" must be an RFC 3339 string YYYY-MM-DDTHH:MM:SSZ, not \(value.summary)", path)
                }
                return .timestamp(timestamp)
            }
            if let value = json["interval"] {
                try only(["interval"], in: members, at: path)
                guard case .array(let ends) = value, ends.count == 2 else {
                    throw failure(.syntax, "\"interval\" must be an array of two ends (\"..\" for an open end)", path)
                }
                return .interval(try intervalEnd(ends[0], at: path + "/interval/0"), try intervalEnd(ends[1], at: path + "/interval/1"))
            }
            if let value = json["bbox"] {
                try only(["bbox"], in: members, at: path)
                guard case .array(let items) = value, items.count == 4 || items.count == 6 else {
                    throw failure(.syntax, "\"bbox\" must be an array of 4 numbers (west, south, east, north) or 6 (with min and max z)", path)
                }
                var numbers: [Double] = []
                for item in items {
                    guard case .number(let number) = item else { throw failure(.syntax, "\"bbox\" must hold numbers only", path) }
                    numbers.append(number)
                }
                return .bbox(numbers)
            }
            if json["type"] != nil {
                return .geometry(try GeoJSONReader.geometry(json, at: path))
            }
            if json["function"] != nil {
                throw failure(.unsupported, "custom functions are not supported by this server", path)
            }
            throw failure(
                .syntax,
                "\(json.summary) is not a CQL2 expression: expected \"op\" and \"args\", \"property\", \"date\", \"timestamp\", \"interval\", \"bbox\" or a GeoJSON geometry",
                path)
        }
    }

    private static func operation(_ op: JSONValue, _ json: JSONValue, at path: String) throws(CQL2Error) -> CQL2Expression {
        guard case .string(let name) = op, case .object(let members) = json else { throw failure(.syntax, "\"op\" must be a string", path) }
        try only(["op", "args"], in: members, at: path)
        guard case .array(let argumentValues) = json["args"] ?? .array([]) else {
            throw failure(.syntax, "\"args\" of \"\(name)\" must be an array", path)
        }
        let lowered = name.lowercased()
        func arguments(_ count: ClosedRange<Int>) throws(CQL2Error) -> [CQL2Expression] {
            guard count.contains(argumentValues.count) else {
                let expected = count.lowerBound == count.upperBound ? "\(count.lowerBound)" : "\(count.lowerBound) to \(count.upperBound)"
                throw failure(.syntax, "\"\(name)\" takes \(expected) arguments, not \(argumentValues.count)", path)
            }
            var result: [CQL2Expression] = []
            for (position, value) in argumentValues.enumerated() {
                result.append(try expression(value, at: "\(path)/args/\(position)"))
            }
            return result
        }
        switch lowered {
        case "and", "or":
            let items = try arguments(2...Int.max)
            return lowered == "and" ? .and(items) : .or(items)
        case "not": return .not(try arguments(1...1)[0])
        case "=", "<>", "<", "<=", ">", ">=":
            let items = try arguments(2...2)
            return .comparison(CQL2ComparisonOperator(rawValue: lowered) ?? .equal, items[0], items[1])
        case "like":
            let items = try arguments(2...2)
            return .like(items[0], pattern: items[1])
        case "between":
            let items = try arguments(3...3)
            return .between(items[0], low: items[1], high: items[2])
        case "in":
            guard argumentValues.count == 2, case .array(let listValues) = argumentValues[1], !listValues.isEmpty else {
                throw failure(.syntax, "\"in\" takes two arguments: a value and a non-empty array of values", path)
            }
            var list: [CQL2Expression] = []
            for (position, value) in listValues.enumerated() {
                list.append(try expression(value, at: "\(path)/args/1/\(position)"))
            }
            return .inList(try expression(argumentValues[0], at: "\(path)/args/0"), list)
        case "isnull": return .isNull(try arguments(1...1)[0])
        case "casei": return .caseInsensitive(try arguments(1...1)[0])
        case "accenti": return .accentInsensitive(try arguments(1...1)[0])
        case "s_dwithin":
            let items = try arguments(3...4)
            guard case .number(let distance) = items[2], distance >= 0 else {
                throw failure(.invalidValue, "the distance of \"s_dwithin\" (args/2) must be a number ≥ 0", path)
            }
            var units = CQL2DistanceUnit.metres
            if items.count == 4 {
                guard case .string(let text) = items[3], let parsed = CQL2DistanceUnit(parsing: text) else {
                    throw failure(
                        .invalidValue,
                        "the units of \"s_dwithin\" (args/3) must be one of \(CQL2DistanceUnit.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", "))",
                        path)
                }
                units = parsed
            }
            return .distanceWithin(items[0], items[1], distance: distance, units: units)
        case "a_equals", "a_contains", "a_containedby", "a_overlaps":
            throw failure(.unsupported, "the array function \"\(name)\" is not supported by this server", path)
        default:
            break
        }
        if let arithmetic = CQL2ArithmeticOperator(rawValue: lowered) {
            let items = try arguments(2...2)
            return .arithmetic(arithmetic, items[0], items[1])
        }
        if let spatial = CQL2SpatialOperator(rawValue: name.uppercased()) {
            let items = try arguments(2...2)
            return .spatial(spatial, items[0], items[1])
        }
        if let temporal = CQL2TemporalOperator(rawValue: name.uppercased()) {
            let items = try arguments(2...2)
            return .temporal(temporal, items[0], items[1])
        }
        throw failure(
            .unsupported, "unknown operator \"\(name)\"; this server supports the CQL2 standard operators and \"s_dwithin\", no custom functions",
            path)
    }

    /// An interval end: `".."`, a date or timestamp string, or an expression such as a property.
    private static func intervalEnd(_ json: JSONValue, at path: String) throws(CQL2Error) -> CQL2Expression {
        guard case .string(let text) = json else { return try expression(json, at: path) }
        if text == ".." { return .unbounded }
        if let date = CQL2Date(parsing: text) { return .date(date) }
        if let timestamp = CQL2Timestamp(parsing: text) { return .timestamp(timestamp) }
        throw failure(.invalidValue, "\"\(text)\" is not an interval end: write \"..\", \"YYYY-MM-DD\" or \"YYYY-MM-DDTHH:MM:SSZ\"", path)
    }

    private static func only(_ keys: Set<String>, in members: [(key: String, value: JSONValue)], at path: String) throws(CQL2Error) {
        if let extra = members.first(where: { !keys.contains($0.key) }) {
            throw failure(.syntax, "unexpected member \"\(extra.key)\" next to \(keys.sorted().map { "\"\($0)\"" }.joined(separator: " and "))", path)
        }
    }

    static func failure(_ kind: CQL2Error.Kind, _ message: String, _ path: String) -> CQL2Error {
        CQL2Error(kind, path.isEmpty ? message : "at \(path): \(message)")
    }
}

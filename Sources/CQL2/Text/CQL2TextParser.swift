/// A recursive-descent parser for cql2-text (OGC 21-065, the `booleanExpression` rule), keywords in
/// any case. Nesting is limited to ``CQL2/maximumDepth`` so no filter can exhaust the stack.
struct CQL2TextParser {
    private let tokens: [CQL2Token]
    private var index = 0
    private var depth = 0

    init(_ text: String) throws(CQL2Error) {
        tokens = try CQL2Lexer.tokens(text)
    }

    mutating func parseFilter() throws(CQL2Error) -> CQL2Expression {
        guard tokens.count > 1 else { throw CQL2Error(.syntax, "the filter is empty") }
        let expression = try orExpression()
        guard current.kind == .end else {
            throw CQL2Error(.syntax, "expected AND, OR or the end of the filter, found \(current.quoted)", position: current.position)
        }
        return expression
    }

    /// Words that cannot be property names unless double-quoted.
    static let reserved: Set<String> = ["AND", "OR", "NOT", "LIKE", "BETWEEN", "IN", "IS", "NULL", "TRUE", "FALSE", "DIV"]

    // MARK: Boolean structure

    private mutating func orExpression() throws(CQL2Error) -> CQL2Expression {
        try enter()
        defer { depth -= 1 }
        var terms = [try andExpression()]
        while current.keyword == "OR" {
            advance()
            terms.append(try andExpression())
        }
        return terms.count == 1 ? terms[0] : .or(terms)
    }

    private mutating func andExpression() throws(CQL2Error) -> CQL2Expression {
        var factors = [try notExpression()]
        while current.keyword == "AND" {
            advance()
            factors.append(try notExpression())
        }
        return factors.count == 1 ? factors[0] : .and(factors)
    }

    private mutating func notExpression() throws(CQL2Error) -> CQL2Expression {
        guard current.keyword == "NOT" else { return try predicate() }
        advance()
        try enter()
        defer { depth -= 1 }
        return .not(try notExpression())
    }

    /// A scalar expression, optionally followed by a comparison, LIKE, BETWEEN, IN or IS NULL.
    private mutating func predicate() throws(CQL2Error) -> CQL2Expression {
        let left = try additive()
        if case .symbol(let symbol) = current.kind, let comparison = CQL2ComparisonOperator(rawValue: symbol) {
            advance()
            return .comparison(comparison, left, try additive())
        }
        var negated = false
        if current.keyword == "NOT", ["LIKE", "BETWEEN", "IN"].contains(peek.keyword ?? "") {
            negated = true
            advance()
        }
        let positive: CQL2Expression
        switch current.keyword {
        case "LIKE":
            advance()
            positive = .like(left, pattern: try additive())
        case "BETWEEN":
            advance()
            let low = try additive()
            try expectKeyword("AND", "between the bounds of BETWEEN")
            positive = .between(left, low: low, high: try additive())
        case "IN":
            advance()
            try expect("(", "after IN")
            var items = [try additive()]
            while current.isSymbol(",") {
                advance()
                items.append(try additive())
            }
            try expect(")", "to close the IN list")
            positive = .inList(left, items)
        case "IS":
            advance()
            if current.keyword == "NOT" {
                negated = true
                advance()
            }
            try expectKeyword("NULL", "after IS")
            positive = .isNull(left)
        default:
            return left
        }
        return negated ? .not(positive) : positive
    }

    // MARK: Arithmetic

    private mutating func additive() throws(CQL2Error) -> CQL2Expression {
        var left = try multiplicative()
        var chain = 0
        defer { depth -= chain }
        while case .symbol(let symbol) = current.kind, symbol == "+" || symbol == "-" {
            advance()
            try enter()
            chain += 1
            left = .arithmetic(symbol == "+" ? .add : .subtract, left, try multiplicative())
        }
        return left
    }

    private mutating func multiplicative() throws(CQL2Error) -> CQL2Expression {
        var left = try power()
        var chain = 0
        defer { depth -= chain }
        while true {
            let operation: CQL2ArithmeticOperator
            switch current.kind {
            case .symbol("*"): operation = .multiply
            case .symbol("/"): operation = .divide
            case .symbol("%"): operation = .remainder
            case .word(let word) where word.uppercased() == "DIV": operation = .integerDivide
            default: return left
            }
            advance()
            try enter()
            chain += 1
            left = .arithmetic(operation, left, try power())
        }
    }

    private mutating func power() throws(CQL2Error) -> CQL2Expression {
        let base = try unary()
        guard current.isSymbol("^") else { return base }
        advance()
        try enter()
        defer { depth -= 1 }
        return .arithmetic(.power, base, try power())
    }

    private mutating func unary() throws(CQL2Error) -> CQL2Expression {
        guard case .symbol(let sign) = current.kind, sign == "-" || sign == "+" else { return try primary() }
        advance()
        if case .number(let value, _) = current.kind {
            advance()
            return .number(sign == "-" ? -value : value)
        }
        try enter()
        defer { depth -= 1 }
        let operand = try unary()
        return sign == "-" ? .arithmetic(.multiply, .number(-1), operand) : operand
    }

    // MARK: Primaries

    private mutating func primary() throws(CQL2Error) -> CQL2Expression {
        let token = current
        switch token.kind {
        case .number(let value, _):
            advance()
            return .number(value)
        case .string(let text):
            advance()
            return .string(text)
        case .quotedName(let name):
            advance()
            return .property(name)
        case .symbol("("):
            advance()
            let expression = try orExpression()
            try expect(")", "to close the parenthesis opened at character \(token.position)")
            return expression
        case .word(let word):
            return try wordPrimary(word, token: token)
        default:
            throw CQL2Error(.syntax, "expected a property, a literal, a function or '(', found \(token.quoted)", position: token.position)
        }
    }

    private mutating func wordPrimary(_ word: String, token: CQL2Token) throws(CQL2Error) -> CQL2Expression {
        let keyword = word.uppercased()
        switch keyword {
        case "TRUE", "FALSE":
            advance()
            return .boolean(keyword == "TRUE")
        case _ where Self.reserved.contains(keyword):
            throw CQL2Error(
                .syntax,
                "expected a property, a literal or a function, found the keyword \(word) (write \"\(word)\" for a property of that name)",
                position: token.position)
        case _ where WKTReader.tags.contains(keyword) && (peek.isSymbol("(") || ["Z", "EMPTY"].contains(peek.keyword ?? "")):
            var reader = WKTReader(tokens: tokens, index: index)
            let geometry = try reader.geometry()
            index = reader.index
            return .geometry(geometry)
        default:
            break
        }
        guard peek.isSymbol("(") else {
            advance()
            return .property(word)
        }
        advance()
        advance()
        let name = "\(keyword)(…)"
        switch keyword {
        case "DATE":
            let text = try stringArgument(of: "DATE")
            guard let date = CQL2Date(parsing: text) else {
                throw CQL2Error(.invalidValue, "DATE('\(text)') is not a valid date; write DATE('YYYY-MM-DD')", position: token.position)
            }
            try expect(")", "after the date of DATE")
            return .date(date)
        case "TIMESTAMP":
            let text = try stringArgument(of: "TIMESTAMP")
            guard let timestamp = CQL2Timestamp(parsing: text) else {
                throw CQL2Error(
                    .invalidValue, "TIMESTAMP('\(text)') is not a valid RFC 3339 instant; write TIMESTAMP('YYYY-MM-DDTHH:MM:SSZ')",
                    position: token.position)
            }
            try expect(")", "after the instant of TIMESTAMP")
            return .timestamp(timestamp)
        case "INTERVAL":
            let start = try intervalBound()
            try expect(",", "between the start and end of INTERVAL")
            let end = try intervalBound()
            try expect(")", "after the end of INTERVAL")
            return .interval(start, end)
        case "CASEI", "ACCENTI":
            try enter()
            defer { depth -= 1 }
            let argument = try orExpression()
            try expect(")", "to close \(name)")
            return keyword == "CASEI" ? .caseInsensitive(argument) : .accentInsensitive(argument)
        case "BBOX":
            var numbers = [try signedNumber()]
            while current.isSymbol(",") {
                advance()
                numbers.append(try signedNumber())
            }
            try expect(")", "to close BBOX")
            guard numbers.count == 4 || numbers.count == 6 else {
                throw CQL2Error(
                    .syntax, "BBOX takes 4 numbers (west, south, east, north) or 6 (with min and max z), not \(numbers.count)",
                    position: token.position)
            }
            return .bbox(numbers)
        case "S_DWITHIN":
            return try distanceWithin(at: token)
        default:
            break
        }
        if let spatial = CQL2SpatialOperator(rawValue: keyword) {
            let (a, b) = try twoArguments(of: keyword)
            return .spatial(spatial, a, b)
        }
        if let temporal = CQL2TemporalOperator(rawValue: keyword) {
            let (a, b) = try twoArguments(of: keyword)
            return .temporal(temporal, a, b)
        }
        if ["A_EQUALS", "A_CONTAINS", "A_CONTAINEDBY", "A_OVERLAPS"].contains(keyword) {
            throw CQL2Error(.unsupported, "the array function \(keyword) is not supported by this server", position: token.position)
        }
        throw CQL2Error(
            .unsupported,
            "unknown function \(word); this server supports the CQL2 standard functions (S_…, T_…, CASEI, ACCENTI) and S_DWITHIN, no custom functions",
            position: token.position)
    }

    /// `S_DWITHIN(a, b, distance[, units])`; units are a word (`meters`) or a string (`'statute miles'`).
    private mutating func distanceWithin(at token: CQL2Token) throws(CQL2Error) -> CQL2Expression {
        try enter()
        defer { depth -= 1 }
        let a = try orExpression()
        try expect(",", "after the first argument of S_DWITHIN")
        let b = try orExpression()
        try expect(",", "after the second argument of S_DWITHIN (S_DWITHIN(geometry, geometry, distance, units))")
        let distancePosition = current.position
        let distance = try signedNumber()
        guard distance >= 0 else {
            throw CQL2Error(.invalidValue, "the distance of S_DWITHIN must not be negative", position: distancePosition)
        }
        var units = CQL2DistanceUnit.metres
        if current.isSymbol(",") {
            advance()
            let unitsToken = current
            let text: String
            switch unitsToken.kind {
            case .word(let word): text = word
            case .string(let string), .quotedName(let string): text = string
            default: throw CQL2Error(.syntax, "expected the units of S_DWITHIN, found \(unitsToken.quoted)", position: unitsToken.position)
            }
            advance()
            guard let parsed = CQL2DistanceUnit(parsing: text) else {
                throw CQL2Error(
                    .invalidValue,
                    "unknown distance units '\(text)'; use one of \(CQL2DistanceUnit.allCases.map(\.rawValue).joined(separator: ", "))",
                    position: unitsToken.position)
            }
            units = parsed
        }
        try expect(")", "to close S_DWITHIN")
        return .distanceWithin(a, b, distance: distance, units: units)
    }

    private mutating func twoArguments(of function: String) throws(CQL2Error) -> (CQL2Expression, CQL2Expression) {
        try enter()
        defer { depth -= 1 }
        let a = try orExpression()
        try expect(",", "after the first argument of \(function)")
        let b = try orExpression()
        if current.isSymbol(",") {
            throw CQL2Error(.syntax, "\(function) takes two arguments", position: current.position)
        }
        try expect(")", "after the second argument of \(function)")
        return (a, b)
    }

    /// An INTERVAL end: `'..'`, a date or timestamp string, a property, or DATE(…)/TIMESTAMP(…).
    private mutating func intervalBound() throws(CQL2Error) -> CQL2Expression {
        let token = current
        if case .string(let text) = token.kind {
            advance()
            if text == ".." { return .unbounded }
            if let date = CQL2Date(parsing: text) { return .date(date) }
            if let timestamp = CQL2Timestamp(parsing: text) { return .timestamp(timestamp) }
            throw CQL2Error(
                .invalidValue, "'\(text)' is not an interval end: write '..', 'YYYY-MM-DD' or 'YYYY-MM-DDTHH:MM:SSZ'", position: token.position)
        }
        return try primary()
    }

    private mutating func stringArgument(of function: String) throws(CQL2Error) -> String {
        guard case .string(let text) = current.kind else {
            throw CQL2Error(.syntax, "\(function) takes a quoted string, found \(current.quoted)", position: current.position)
        }
        advance()
        return text
    }

    private mutating func signedNumber() throws(CQL2Error) -> Double {
        var sign = 1.0
        if case .symbol(let symbol) = current.kind, symbol == "-" || symbol == "+" {
            sign = symbol == "-" ? -1 : 1
            advance()
        }
        guard case .number(let value, _) = current.kind else {
            throw CQL2Error(.syntax, "expected a number, found \(current.quoted)", position: current.position)
        }
        advance()
        return sign * value
    }

    // MARK: Tokens

    private var current: CQL2Token { tokens[index] }
    private var peek: CQL2Token { tokens[min(index + 1, tokens.count - 1)] }

    private mutating func advance() {
        if index < tokens.count - 1 { index += 1 }
    }

    private mutating func expect(_ symbol: String, _ context: String) throws(CQL2Error) {
        guard current.isSymbol(symbol) else {
            throw CQL2Error(.syntax, "expected '\(symbol)' \(context), found \(current.quoted)", position: current.position)
        }
        advance()
    }

    private mutating func expectKeyword(_ keyword: String, _ context: String) throws(CQL2Error) {
        guard current.keyword == keyword else {
            throw CQL2Error(.syntax, "expected \(keyword) \(context), found \(current.quoted)", position: current.position)
        }
        advance()
    }

    private mutating func enter() throws(CQL2Error) {
        depth += 1
        guard depth <= CQL2.maximumDepth else {
            throw CQL2Error(.syntax, "the filter nests deeper than \(CQL2.maximumDepth) levels", position: current.position)
        }
    }
}

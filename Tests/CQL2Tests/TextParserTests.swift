import CQL2
import Testing

@Suite("cql2-text parser")
struct TextParserTests {
    @Test("precedence: NOT binds tighter than AND, AND tighter than OR")
    func precedence() throws {
        let expression = try CQL2.parse("a = 1 OR NOT b = 2 AND c = 3")
        let a = CQL2Expression.comparison(.equal, .property("a"), .number(1))
        let b = CQL2Expression.comparison(.equal, .property("b"), .number(2))
        let c = CQL2Expression.comparison(.equal, .property("c"), .number(3))
        #expect(expression == .or([a, .and([.not(b), c])]))
        #expect(try CQL2.parse("(a = 1 OR b = 2) AND c = 3") == .and([.or([a, b]), c]))
    }

    @Test("arithmetic precedence and associativity")
    func arithmetic() throws {
        #expect(
            try CQL2.parse("a + 2 * 3 - 4 > 0")
                == .comparison(
                    .greater, .arithmetic(.subtract, .arithmetic(.add, .property("a"), .arithmetic(.multiply, .number(2), .number(3))), .number(4)),
                    .number(0)))
        #expect(
            try CQL2.parse("(a + 2) * 3 = 9")
                == .comparison(.equal, .arithmetic(.multiply, .arithmetic(.add, .property("a"), .number(2)), .number(3)), .number(9)))
        #expect(try CQL2.parse("a - -2 = 0") == .comparison(.equal, .arithmetic(.subtract, .property("a"), .number(-2)), .number(0)))
    }

    @Test("BETWEEN's AND is not the logical AND")
    func betweenAnd() throws {
        #expect(
            try CQL2.parse("a BETWEEN 1 AND 2 AND b = 3")
                == .and([.between(.property("a"), low: .number(1), high: .number(2)), .comparison(.equal, .property("b"), .number(3))]))
    }

    @Test("temporal literals")
    func temporalLiterals() throws {
        guard case .comparison(_, _, .timestamp(let timestamp)) = try CQL2.parse("t = TIMESTAMP('2026-11-25T14:00:00.123456+08:00')") else {
            Issue.record("not a timestamp")
            return
        }
        #expect(timestamp.description == "2026-11-25T06:00:00.123456Z")
        #expect(try CQL2.parse("T_EQUALS(t, INTERVAL('..', '..'))") == .temporal(.equals, .property("t"), .interval(.unbounded, .unbounded)))
        #expect(
            try CQL2.parse("T_STARTS(t, INTERVAL(DATE('2020-01-01'), TIMESTAMP('2020-02-01T00:00:00Z')))")
                == CQL2.parse("T_STARTS(t, INTERVAL('2020-01-01', '2020-02-01T00:00:00Z'))"))
    }

    @Test("BBOX with six numbers, WKT spellings")
    func geometryLiterals() throws {
        #expect(try CQL2.parse("S_INTERSECTS(g, BBOX(1, 2, 0, 3, 4, 10))") == .spatial(.intersects, .property("g"), .bbox([1, 2, 0, 3, 4, 10])))
        #expect(try CQL2.parse("S_INTERSECTS(g, MULTIPOINT(1 2, 3 4))") == CQL2.parse("S_INTERSECTS(g, MULTIPOINT((1 2), (3 4)))"))
        #expect(try CQL2.parse("S_INTERSECTS(g, POINT(-1.5 +2))") == .spatial(.intersects, .property("g"), .geometry(.point([-1.5, 2]))))
    }

    @Test("a property named like a keyword needs double quotes; one named like a function is fine")
    func keywordNames() throws {
        #expect(try CQL2.parse("\"and\" = 1") == .comparison(.equal, .property("and"), .number(1)))
        #expect(try CQL2.parse("date = DATE('2020-01-01')") == .comparison(.equal, .property("date"), .date(CQL2Date(year: 2020, month: 1, day: 1)!)))
        #expect(try CQL2.parse("point = 1") == .comparison(.equal, .property("point"), .number(1)))
    }

    @Test("a string keeps backslashes, so LIKE escapes reach the pattern")
    func backslashes() throws {
        #expect(try CQL2.parse(#"a LIKE '100\%'"#) == .like(.property("a"), pattern: .string(#"100\%"#)))
        #expect(try CQL2.parse(#"a = 'it\'s'"#) == .comparison(.equal, .property("a"), .string("it's")))
    }

    struct Invalid: Sendable, CustomTestStringConvertible {
        let text: String
        let kind: CQL2Error.Kind
        let position: Int?
        let mentions: String
        var testDescription: String { text }
    }

    static let invalid: [Invalid] = [
        .init(text: "", kind: .syntax, position: nil, mentions: "empty"),
        .init(text: "a = ", kind: .syntax, position: 5, mentions: "end of the filter"),
        .init(text: "a = 1 b = 2", kind: .syntax, position: 7, mentions: "expected AND, OR"),
        .init(text: "a == 1", kind: .syntax, position: 4, mentions: "'='"),
        .init(text: "a != 1", kind: .syntax, position: 3, mentions: "'<>'"),
        .init(text: "(a = 1", kind: .syntax, position: 7, mentions: "to close the parenthesis opened at character 1"),
        .init(text: "a = 'unclosed", kind: .syntax, position: 5, mentions: "not closed"),
        .init(text: "\"a = 1", kind: .syntax, position: 1, mentions: "not closed"),
        .init(text: "a = 1 AND", kind: .syntax, position: 10, mentions: "end of the filter"),
        .init(text: "a BETWEEN 1 OR 2", kind: .syntax, position: 13, mentions: "expected AND between the bounds"),
        .init(text: "a IN 1, 2", kind: .syntax, position: 6, mentions: "expected '(' after IN"),
        .init(text: "a IN ()", kind: .syntax, position: 7, mentions: "found ')'"),
        .init(text: "a IS NOT 1", kind: .syntax, position: 10, mentions: "expected NULL"),
        .init(text: "a = NULL", kind: .syntax, position: 5, mentions: "keyword NULL"),
        .init(text: "and = 1", kind: .syntax, position: 1, mentions: "\"and\""),
        .init(text: "d = DATE('2026-02-30')", kind: .invalidValue, position: 5, mentions: "YYYY-MM-DD"),
        .init(text: "d = DATE(2026)", kind: .syntax, position: 10, mentions: "quoted string"),
        .init(text: "t = TIMESTAMP('2026-11-25 06:00:00')", kind: .invalidValue, position: 5, mentions: "RFC 3339"),
        .init(text: "T_INTERSECTS(t, INTERVAL('yesterday', '..'))", kind: .invalidValue, position: 26, mentions: "not an interval end"),
        .init(text: "S_INTERSECTS(g, POINT(1))", kind: .syntax, position: 24, mentions: "at least two coordinates"),
        .init(text: "S_INTERSECTS(g, POINT(1 2 3 4))", kind: .syntax, position: 30, mentions: "4 coordinates"),
        .init(text: "S_INTERSECTS(g, POLYGON((0 0, 1 0, 1 1, 0 1)))", kind: .invalidValue, position: 17, mentions: "closed"),
        .init(text: "S_INTERSECTS(g, POLYGON((0 0, 1 0, 0 0)))", kind: .invalidValue, position: 17, mentions: "at least 4 positions"),
        .init(text: "S_INTERSECTS(g, LINESTRING(0 0))", kind: .invalidValue, position: 17, mentions: "at least 2 positions"),
        .init(text: "S_INTERSECTS(g, LINESTRING(0 0, 1 1 1))", kind: .invalidValue, position: 17, mentions: "mixes"),
        .init(text: "S_INTERSECTS(g, POINT Z(1 2))", kind: .syntax, position: 17, mentions: "three coordinates"),
        .init(text: "S_INTERSECTS(g, POINT EMPTY)", kind: .unsupported, position: 23, mentions: "empty"),
        .init(text: "S_INTERSECTS(g, BBOX(1, 2, 3))", kind: .syntax, position: 17, mentions: "4 numbers"),
        .init(text: "S_INTERSECTS(g)", kind: .syntax, position: 15, mentions: "expected ','"),
        .init(text: "S_INTERSECTS(g, h, i)", kind: .syntax, position: 18, mentions: "two arguments"),
        .init(text: "S_DWITHIN(g, POINT(1 2), -5)", kind: .invalidValue, position: 26, mentions: "negative"),
        .init(text: "S_DWITHIN(g, POINT(1 2), 5, parsecs)", kind: .invalidValue, position: 29, mentions: "unknown distance units"),
        .init(text: "S_DWITHIN(g, POINT(1 2))", kind: .syntax, position: 24, mentions: "expected ','"),
        .init(text: "A_CONTAINS(tags, ('a'))", kind: .unsupported, position: 1, mentions: "array function"),
        .init(text: "my_function(a) = 1", kind: .unsupported, position: 1, mentions: "unknown function my_function"),
        .init(text: "a = 1e999", kind: .invalidValue, position: 5, mentions: "out of range"),
        .init(text: "a = 12abc", kind: .syntax, position: 5, mentions: "runs into a name"),
        .init(text: "a = #", kind: .syntax, position: 5, mentions: "unexpected character '#'"),
        .init(text: "a = 1)", kind: .syntax, position: 6, mentions: "found ')'"),
        .init(text: "a = ''..''", kind: .syntax, position: 7, mentions: "unexpected character '.'"),
    ]

    @Test("invalid filters are refused with what was expected and where", arguments: invalid)
    func refuses(_ case: Invalid) {
        do {
            let expression = try CQL2.parse(`case`.text)
            Issue.record("parsed as \(expression)")
        } catch {
            #expect(error.kind == `case`.kind, "\(error.message)")
            #expect(error.position == `case`.position, "\(error.message)")
            #expect(error.message.contains(`case`.mentions), "\(error.message)")
        }
    }

    @Test("nesting is limited, so no filter can exhaust the stack")
    func nestingLimit() throws {
        let depth = CQL2.maximumDepth + 1
        let nested = String(repeating: "(", count: depth) + "a = 1" + String(repeating: ")", count: depth)
        #expect(throws: CQL2Error.self) { try CQL2.parse(nested) }
        let nots = String(repeating: "NOT ", count: 10_000) + "a = 1"
        #expect(throws: CQL2Error.self) { try CQL2.parse(nots) }
        let sums = "a" + String(repeating: " + 1", count: 10_000) + " = 0"
        #expect(throws: CQL2Error.self) { try CQL2.parse(sums) }
        let allowed = String(repeating: "(", count: 40) + "a = 1" + String(repeating: ")", count: 40)
        #expect(try CQL2.parse(allowed) == .comparison(.equal, .property("a"), .number(1)))
    }

    @Test("long flat lists are fine")
    func longLists() throws {
        let or = (0..<5_000).map { "a = \($0)" }.joined(separator: " OR ")
        guard case .or(let terms) = try CQL2.parse(or) else {
            Issue.record("not an OR")
            return
        }
        #expect(terms.count == 5_000)
        let list = "a IN (" + (0..<5_000).map { "'\($0)'" }.joined(separator: ", ") + ")"
        guard case .inList(_, let items) = try CQL2.parse(list) else {
            Issue.record("not IN")
            return
        }
        #expect(items.count == 5_000)
    }
}

import CQL2
import Testing

@Suite("cql2-json parser")
struct JSONParserTests {
    struct Invalid: Sendable, CustomTestStringConvertible {
        let json: String
        let kind: CQL2Error.Kind
        let mentions: String
        var testDescription: String { json }
    }

    static let invalid: [Invalid] = [
        .init(json: "", kind: .syntax, mentions: "line 1, column 1"),
        .init(json: "{", kind: .syntax, mentions: "quoted member name"),
        .init(json: #"{"op":"=","args":[{"property":"a"},1]"#, kind: .syntax, mentions: "expected ',' or '}'"),
        .init(json: "{\"op\":\"=\",\n \"args\":[{\"property\":\"a\"} 1]}", kind: .syntax, mentions: "line 2, column 27"),
        .init(json: #"{"op":"=","args":[{"property":"a"},01]}"#, kind: .syntax, mentions: "leading zeros"),
        .init(json: #"{"op":"=","args":[{"property":"a"},1]} x"#, kind: .syntax, mentions: "after the JSON value"),
        .init(json: #"{"op":"=","op":"<","args":[]}"#, kind: .syntax, mentions: "appears twice"),
        .init(json: #"{"op":"=","args":[{"property":"a"}]}"#, kind: .syntax, mentions: "takes 2 arguments, not 1"),
        .init(json: #"{"op":"and","args":[{"property":"a"}]}"#, kind: .syntax, mentions: "\"and\" takes 2"),
        .init(json: #"{"op":"=","args":[{"property":"a"},null]}"#, kind: .syntax, mentions: "at /args/1: null"),
        .init(json: #"{"op":"=","args":[{"property":""},1]}"#, kind: .syntax, mentions: "non-empty"),
        .init(json: #"{"op":"=","args":[{"property":"a","x":1},1]}"#, kind: .syntax, mentions: "unexpected member \"x\""),
        .init(json: #"{"op":"in","args":[{"property":"a"},"b"]}"#, kind: .syntax, mentions: "non-empty array"),
        .init(json: #"{"op":"in","args":[{"property":"a"},[]]}"#, kind: .syntax, mentions: "non-empty array"),
        .init(json: #"{"op":"=","args":[{"property":"d"},{"date":"2026-13-01"}]}"#, kind: .invalidValue, mentions: "at /args/1: \"date\""),
        .init(json: #"{"op":"=","args":[{"property":"t"},{"timestamp":"yesterday"}]}"#, kind: .invalidValue, mentions: "RFC 3339"),
        .init(json: #"{"op":"t_after","args":[{"property":"t"},{"interval":["2020-01-01"]}]}"#, kind: .syntax, mentions: "two ends"),
        .init(
            json: #"{"op":"t_after","args":[{"property":"t"},{"interval":["2020-01-01","soon"]}]}"#, kind: .invalidValue,
            mentions: "/args/1/interval/1"),
        .init(json: #"{"op":"s_intersects","args":[{"property":"g"},{"bbox":[1,2,3]}]}"#, kind: .syntax, mentions: "4 numbers"),
        .init(
            json: #"{"op":"s_intersects","args":[{"property":"g"},{"type":"Point","coordinates":[1]}]}"#, kind: .syntax,
            mentions: "/args/1/coordinates"),
        .init(
            json: #"{"op":"s_intersects","args":[{"property":"g"},{"type":"Circle","coordinates":[1,2]}]}"#, kind: .syntax,
            mentions: "unknown GeoJSON geometry type"),
        .init(
            json: #"{"op":"s_intersects","args":[{"property":"g"},{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}]}"#,
            kind: .invalidValue, mentions: "closed"),
        .init(json: #"{"op":"s_dwithin","args":[{"property":"g"},{"type":"Point","coordinates":[1,2]},-1]}"#, kind: .invalidValue, mentions: "≥ 0"),
        .init(
            json: #"{"op":"s_dwithin","args":[{"property":"g"},{"type":"Point","coordinates":[1,2]},1,"cubits"]}"#, kind: .invalidValue,
            mentions: "units"),
        .init(json: #"{"op":"a_contains","args":[{"property":"tags"},["a"]]}"#, kind: .unsupported, mentions: "array function"),
        .init(json: #"{"op":"sqrt","args":[{"property":"a"}]}"#, kind: .unsupported, mentions: "unknown operator \"sqrt\""),
        .init(json: #"{"function":{"name":"f","args":[]}}"#, kind: .unsupported, mentions: "custom functions"),
        .init(json: #"{"op":"=","args":[{"property":"a"},[1,2]]}"#, kind: .syntax, mentions: "an array is only allowed"),
        .init(json: #"{"nonsense":1}"#, kind: .syntax, mentions: "not a CQL2 expression"),
        .init(json: #"{"op":"=","args":[{"property":"a"},"\x"]}"#, kind: .syntax, mentions: "invalid escape"),
    ]

    @Test("invalid cql2-json is refused with the place it went wrong", arguments: invalid)
    func refuses(_ case: Invalid) {
        do {
            let expression = try CQL2.parse(`case`.json, language: .json)
            Issue.record("parsed as \(expression)")
        } catch {
            #expect(error.kind == `case`.kind, "\(error.message)")
            #expect(error.message.contains(`case`.mentions), "\(error.message)")
        }
    }

    @Test("JSON escapes and Unicode")
    func escapes() throws {
        let expression = try CQL2.parse(#"{"op":"=","args":[{"property":"n\u00e4me"},"\ud83d\ude00 \"q\" \\ \/ \t"]}"#, language: .json)
        #expect(expression == .comparison(.equal, .property("näme"), .string("😀 \"q\" \\ / \t")))
    }

    @Test("deep JSON is refused before it can exhaust the stack")
    func depth() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: CQL2Error.self) { try CQL2.parse(deep, language: .json) }
        var nots = #"{"op":"=","args":[{"property":"a"},1]}"#
        for _ in 0..<200 { nots = #"{"op":"not","args":["# + nots + "]}" }
        #expect(throws: CQL2Error.self) { try CQL2.parse(nots, language: .json) }
    }

    @Test("filter-lang")
    func language() throws {
        #expect(try CQL2.Language(parameter: nil) == .text)
        #expect(try CQL2.Language(parameter: "CQL2-JSON") == .json)
        #expect(throws: CQL2Error.self) { try CQL2.Language(parameter: "ecql") }
    }
}

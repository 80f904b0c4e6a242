import Foundation
import JSON
import Testing

@Suite("JSON parser and writer")
struct JSONParserTests {
    @Test("parses every kind of value, keeping member order")
    func values() throws {
        let value = try JSONParser.parse(#" {"b":[1,-2.5e3,true,false,null],"a":"é\n\u00e9\ud83d\ude00","c":{}} "#)
        #expect(value.members?.map(\.key) == ["b", "a", "c"])
        #expect(value["b"] == .array([.number(1), .number(-2500), .bool(true), .bool(false), .null]))
        #expect(value["a"]?.string == "é\né😀")
        #expect(value["c"] == .object([]))
    }

    @Test(
        "says where malformed JSON breaks",
        arguments: [
            ("{", 1, 2), (#"{"a":}"#, 1, 6), ("[1,]", 1, 4), ("{\n\"a\" 1}", 2, 5), ("01", 1, 3), ("\"tab\u{09}\"", 1, 5),
            (#"{"a":1,"a":2}"#, 1, 12), ("[1] x", 1, 5), (#""\x""#, 1, 4),
        ])
    func errors(text: String, line: Int, column: Int) {
        do {
            _ = try JSONParser.parse(text)
            Issue.record("\(text) parsed")
        } catch {
            #expect(error.line == line && error.column == column, "\(error)")
        }
    }

    @Test("limits nesting")
    func nesting() {
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(String(repeating: "[", count: 10_000)) }
    }

    @Test("writes what it parses back to equal text")
    func roundTrip() throws {
        let text = #"{"k":"quote \" backslash \\ control \u0001","n":[0,1.5,-3,1e+300],"t":true,"z":null}"#
        let value = try JSONParser.parse(text)
        #expect(try JSONParser.parse(value.text) == value)
        // JSONEncoder writes members in its own order; the values survive.
        let encoded = try JSONParser.parse(bytes: Array(try JSONEncoder().encode(value)))
        for key in ["k", "n", "t", "z"] { #expect(encoded[key] == value[key]) }
    }

    @Test("finds a repeated member in a large object, and keeps 100,000 distinct ones in order")
    func manyMembers() throws {
        let members = (0..<100_000).map { #""m\#($0)":\#($0)"# }
        let value = try JSONParser.parse("{" + members.joined(separator: ",") + "}")
        #expect(value.members?.count == 100_000)
        #expect(value.members?.last?.key == "m99999")
        for repeated in ["m3", "m20", "m99998"] {
            do {
                _ = try JSONParser.parse("{" + members.prefix(99_999).joined(separator: ",") + #","\#(repeated)":0}"#)
                Issue.record("\(repeated) repeated was accepted")
            } catch {
                #expect(error.reason.contains("\"\(repeated)\" appears twice"))
            }
        }
    }

    @Test("refuses ill-formed UTF-8 in strings and member names, and keeps well-formed text")
    func utf8() throws {
        for bytes: [UInt8] in [
            [0x22, 0xFF, 0x22], [0x22, 0xC3, 0x22], [0x7B, 0x22, 0xED, 0xA0, 0x80, 0x22, 0x3A, 0x31, 0x7D], [0x22, 0x61, 0x80, 0x5C, 0x6E, 0x22],
        ] {
            #expect(throws: JSONSyntaxError.self, "\(bytes)") { try JSONParser.parse(bytes: bytes) }
        }
        #expect(try JSONParser.parse(bytes: Array(#""武汉 é 😀\n""#.utf8)) == .string("武汉 é 😀\n"))
    }

    @Test("parsing cost grows linearly with the number of members (a quadratic duplicate check grows 100-fold)")
    func linearInMembers() throws {
        func object(_ count: Int) -> [UInt8] { Array(("{" + (0..<count).map { #""m\#($0)":0"# }.joined(separator: ",") + "}").utf8) }
        func fastest(_ bytes: [UInt8]) throws -> Duration {
            var best = Duration.seconds(3_600)
            for _ in 0..<3 {
                let started = ContinuousClock.now
                _ = try JSONParser.parse(bytes: bytes)
                best = min(best, ContinuousClock.now - started)
            }
            return best
        }
        let small = try fastest(object(5_000))
        let large = try fastest(object(50_000))
        // Ten times the members: about ten times the time when linear, a hundred when quadratic.
        #expect(large < small * 35, "5,000 members: \(small); 50,000 members: \(large)")
    }
}

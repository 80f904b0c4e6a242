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

    @Test("judges UTF-8 as the standard library does, on random bytes and on every edge of table 3-7")
    func utf8AgreesWithStandardLibrary() throws {
        var generator = SystemRandomNumberGenerator()
        var cases: [[UInt8]] = [
            [0xC2, 0x80], [0xC1, 0xBF], [0xE0, 0xA0, 0x80], [0xE0, 0x9F, 0xBF], [0xED, 0x9F, 0xBF], [0xED, 0xA0, 0x80], [0xEF, 0xBF, 0xBF],
            [0xF0, 0x90, 0x80, 0x80], [0xF0, 0x8F, 0xBF, 0xBF], [0xF4, 0x8F, 0xBF, 0xBF], [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80],
            [0xE4, 0xB8], [0xE4, 0xB8, 0x41], [0x80], [0xFE], [0xFF],
        ]
        // Runs biased towards lead and continuation bytes, so that most are near misses.
        let alphabet: [UInt8] = [0x41, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC2, 0xDF, 0xE0, 0xE4, 0xED, 0xEF, 0xF0, 0xF4, 0xF5]
        for _ in 0..<20_000 {
            cases.append((0..<Int.random(in: 1...6, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
        }
        for bytes in cases {
            let document = [0x22] + bytes + [0x22]
            let parsed = try? JSONParser.parse(bytes: document)
            let expected = String(validating: bytes, as: UTF8.self)
            #expect(parsed?.string == expected, "\(bytes)")
        }
    }

    @Test("reads integers exactly, long and fractional numbers as the standard library rounds them")
    func numbers() throws {
        for text in [
            "0", "-0", "7", "-42", "999999999999999", "-999999999999999", "1234567890123456789", "9007199254740993", "0.1", "-2.5e-3", "1E2",
            "114.85810320106516",
        ] {
            let parsed = try JSONParser.parse(text)
            #expect(parsed == .number(Double(text)!), "\(text)")
            #expect(parsed.number?.sign == Double(text)!.sign, "\(text)")
        }
        for text in ["1e400", "-", "1.", ".5", "-01", "1e", "+1"] {
            #expect(throws: JSONSyntaxError.self, "\(text)") { try JSONParser.parse(text) }
        }
    }

    @Test("writes every control character escaped, and other text as it is")
    func writerEscapes() throws {
        let text = String((0..<0x80).map { Character(Unicode.Scalar(UInt8($0))) }) + "武汉 é 😀"
        let written = JSONValue.string(text).text
        #expect(!written.utf8.contains { $0 < 0x20 })
        #expect(try JSONParser.parse(written) == .string(text))
        #expect(JSONValue.array([.string("a\u{1}b"), .null]).text == #"["a\u0001b",null]"#)
        var appended = ""
        JSONValue.writeString("tab\there \"q\" 武汉", into: &appended)
        #expect(appended == #""tab\there \"q\" 武汉""#)
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

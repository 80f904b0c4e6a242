/// A strict RFC 8259 JSON parser that reports the line and column of an error and limits nesting.
///
/// It runs for every event a processor or projection reads, so it reads the bytes in place (no
/// copy per string), makes a string of an ASCII run without validating it again, and checks the
/// UTF-8 of other runs itself (the standard library's validating initialiser is not specialised
/// across modules and cost more than the parse).
public struct JSONParser: ~Copyable {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private var depth = 0
    /// Nesting limit, so a hostile document cannot exhaust the stack.
    public static let maximumDepth = 256

    /// Parses a whole JSON text.
    public static func parse(_ text: String) throws(JSONSyntaxError) -> JSONValue {
        var text = text
        return try text.withUTF8 { bytes in Result { () throws(JSONSyntaxError) in try parse(buffer: bytes) } }.get()
    }

    /// Parses a whole JSON text from its UTF-8 bytes.
    public static func parse(bytes: [UInt8]) throws(JSONSyntaxError) -> JSONValue {
        try bytes.withUnsafeBufferPointer { buffer throws(JSONSyntaxError) in try parse(buffer: buffer) }
    }

    /// Parses a whole JSON text from UTF-8 bytes in memory the caller keeps alive for the call.
    public static func parse(buffer: UnsafeBufferPointer<UInt8>) throws(JSONSyntaxError) -> JSONValue {
        var parser = JSONParser(bytes: buffer)
        parser.skipWhitespace()
        let value = try parser.value()
        parser.skipWhitespace()
        guard parser.index == parser.bytes.count else { throw parser.error("unexpected text after the JSON value") }
        return value
    }

    private init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    private mutating func value() throws(JSONSyntaxError) -> JSONValue {
        guard index < bytes.count else { throw error("unexpected end of the JSON text") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw error("expected a JSON value")
        }
    }

    private mutating func object() throws(JSONSyntaxError) -> JSONValue {
        try enter()
        defer { depth -= 1 }
        index += 1
        var members: [(key: String, value: JSONValue)] = []
        // Names seen so far, so the duplicate check stays linear in the number of members (a
        // scan of `members` made a 100k-member object cost minutes). Small objects scan instead.
        var names: Set<String> = []
        skipWhitespace()
        if peek(UInt8(ascii: "}")) {
            index += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard peek(UInt8(ascii: "\"")) else { throw error("expected a quoted member name") }
            let key = try string()
            skipWhitespace()
            guard peek(UInt8(ascii: ":")) else { throw error("expected ':' after the member name \"\(key)\"") }
            index += 1
            skipWhitespace()
            if isRepeated(key, in: members, names: &names) { throw error("the member \"\(key)\" appears twice") }
            members.append((key, try value()))
            skipWhitespace()
            if peek(UInt8(ascii: ",")) {
                index += 1
                continue
            }
            guard peek(UInt8(ascii: "}")) else { throw error("expected ',' or '}' in an object") }
            index += 1
            return .object(members)
        }
    }

    /// Whether `key` was already a member: a scan while the object is small, a set lookup after.
    private func isRepeated(_ key: String, in members: [(key: String, value: JSONValue)], names: inout Set<String>) -> Bool {
        let scanLimit = 16
        if members.count < scanLimit { return members.contains { $0.key == key } }
        if names.isEmpty { names = Set(members.map(\.key)) }
        return !names.insert(key).inserted
    }

    private mutating func array() throws(JSONSyntaxError) -> JSONValue {
        try enter()
        defer { depth -= 1 }
        index += 1
        var items: [JSONValue] = []
        skipWhitespace()
        if peek(UInt8(ascii: "]")) {
            index += 1
            return .array(items)
        }
        while true {
            skipWhitespace()
            items.append(try value())
            skipWhitespace()
            if peek(UInt8(ascii: ",")) {
                index += 1
                continue
            }
            guard peek(UInt8(ascii: "]")) else { throw error("expected ',' or ']' in an array") }
            index += 1
            return .array(items)
        }
    }

    private mutating func string() throws(JSONSyntaxError) -> String {
        index += 1
        // The common case: no escape, so the string is one run of the input.
        var run = index
        var ascii = true
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let text = try piece(run, index, ascii: ascii)
                index += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw error("control character in a string (escape it)") }
            if byte >= 0x80 { ascii = false }
            index += 1
        }
        guard index < bytes.count else { throw error("unterminated string") }
        var text = try piece(run, index, ascii: ascii)
        run = index
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                text += try piece(run, index, ascii: ascii)
                index += 1
                return text
            case UInt8(ascii: "\\"):
                text += try piece(run, index, ascii: ascii)
                ascii = true
                index += 1
                guard index < bytes.count else { throw error("unfinished escape in a string") }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""): text += "\""
                case UInt8(ascii: "\\"): text += "\\"
                case UInt8(ascii: "/"): text += "/"
                case UInt8(ascii: "b"): text += "\u{8}"
                case UInt8(ascii: "f"): text += "\u{c}"
                case UInt8(ascii: "n"): text += "\n"
                case UInt8(ascii: "r"): text += "\r"
                case UInt8(ascii: "t"): text += "\t"
                case UInt8(ascii: "u"):
                    var code = try hex4()
                    if (0xD800...0xDBFF).contains(code), peek(UInt8(ascii: "\\")), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "u") {
                        index += 2
                        let low = try hex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw error("invalid UTF-16 surrogate pair") }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let scalar = Unicode.Scalar(code) else { throw error("invalid \\u escape") }
                    text.unicodeScalars.append(scalar)
                default:
                    throw error("invalid escape \\\(Character(Unicode.Scalar(escape)))")
                }
                run = index
            case 0..<0x20:
                throw error("control character in a string (escape it)")
            default:
                if byte >= 0x80 { ascii = false }
                index += 1
            }
        }
        throw error("unterminated string")
    }

    /// The text of the input's bytes `start ..< end` (no quote or escape among them). RFC 8259
    /// §8.1: JSON text is UTF-8; ill-formed bytes are an error, never silently replaced.
    private func piece(_ start: Int, _ end: Int, ascii: Bool) throws(JSONSyntaxError) -> String {
        guard start < end else { return "" }
        let run = UnsafeBufferPointer(rebasing: bytes[start..<end])
        guard ascii || UTF8Validation.isValid(run) else { throw error("invalid UTF-8 in a string") }
        return String(decoding: run, as: UTF8.self)
    }

    private mutating func hex4() throws(JSONSyntaxError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw error("expected four hexadecimal digits after \\u") }
        var value: UInt32 = 0
        for byte in bytes[index..<index + 4] {
            guard let digit = HexDigit.value(byte) else { throw error("expected four hexadecimal digits after \\u") }
            value = value << 4 | UInt32(digit)
        }
        index += 4
        return value
    }

    private mutating func number() throws(JSONSyntaxError) -> JSONValue {
        let start = index
        if peek(UInt8(ascii: "-")) { index += 1 }
        let integerStart = index
        var integer: UInt64 = 0
        while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
            integer = integer &* 10 &+ UInt64(bytes[index] - UInt8(ascii: "0"))
            index += 1
        }
        let integerDigits = index - integerStart
        guard integerDigits > 0 else { throw error("expected digits in a number") }
        if bytes[integerStart] == UInt8(ascii: "0"), integerDigits > 1 { throw error("numbers must not have leading zeros") }
        var whole = true
        if peek(UInt8(ascii: ".")) {
            index += 1
            whole = false
            guard digits() > 0 else { throw error("expected digits after the decimal point") }
        }
        if peek(UInt8(ascii: "e")) || peek(UInt8(ascii: "E")) {
            index += 1
            whole = false
            if peek(UInt8(ascii: "+")) || peek(UInt8(ascii: "-")) { index += 1 }
            guard digits() > 0 else { throw error("expected digits in the exponent") }
        }
        // Up to 15 digits an integer is exact in a Double; anything else goes through the
        // standard library's correctly rounded conversion.
        if whole, integerDigits <= 15 {
            let value = Double(integer)
            return .number(start == integerStart ? value : -value)
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else { throw error("the number \(text) is out of range") }
        return .number(value)
    }

    private mutating func digits() -> Int {
        let from = index
        while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") { index += 1 }
        return index - from
    }

    private mutating func literal(_ word: StaticString, _ value: JSONValue) throws(JSONSyntaxError) -> JSONValue {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw error("expected a JSON value") }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { throw error("expected a JSON value") }
        index += count
        return value
    }

    private func peek(_ byte: UInt8) -> Bool { index < bytes.count && bytes[index] == byte }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func enter() throws(JSONSyntaxError) {
        depth += 1
        guard depth <= Self.maximumDepth else { throw error("the JSON nests deeper than \(Self.maximumDepth) levels") }
    }

    /// An error at the current position, as line and column.
    private func error(_ message: String) -> JSONSyntaxError {
        let before = bytes[0..<min(index, bytes.count)]
        let line = before.reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
        let lineStart = before.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
        let column = String(decoding: UnsafeBufferPointer(rebasing: bytes[lineStart..<min(index, bytes.count)]), as: UTF8.self).count + 1
        return JSONSyntaxError(line: line, column: column, offset: index, reason: message)
    }
}

/// Where and why a JSON text is malformed.
public struct JSONSyntaxError: Error, Sendable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    /// Byte offset of the error.
    public var offset: Int
    public var reason: String

    public var description: String { "invalid JSON at line \(line), column \(column): \(reason)" }
}

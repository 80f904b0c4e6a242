import Foundation

/// A JSON Schema (draft 2020-12) validator for the subset the topic catalogue uses: `type`, `enum`,
/// `const`, `properties`, `required`, `additionalProperties`, `minProperties`/`maxProperties`,
/// `items`, `minItems`/`maxItems`, `minimum`/`maximum` and their exclusive forms, `minLength`/
/// `maxLength`, `pattern`, `format` (`date-time`, `date`, `uuid`), `allOf`/`anyOf`/`oneOf`/`not`, and
/// local `$ref`s to `#/$defs/…`. Annotations (`title`, `description`, `$id`, …) are ignored, as the
/// standard says; a keyword this validator does not implement makes `init` throw, so a schema never
/// silently checks less than it says.
public struct JSONSchema: Sendable {
    /// One reason an instance does not match, at a JSON Pointer into the instance.
    public struct Violation: Sendable, Hashable, CustomStringConvertible {
        public var path: String
        public var message: String
        public var description: String { path.isEmpty ? message : "\(path): \(message)" }
    }

    private let root: JSONValue
    private let patterns: [String: NSRegularExpression]

    static let annotations: Set<String> = [
        "$schema", "$id", "$comment", "title", "description", "examples", "default", "deprecated", "readOnly", "writeOnly",
        "contentEncoding", "contentMediaType", "$defs", "definitions",
    ]
    static let implemented: Set<String> = [
        "type", "enum", "const", "properties", "required", "additionalProperties", "minProperties", "maxProperties", "items",
        "minItems", "maxItems", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength", "pattern",
        "format", "allOf", "anyOf", "oneOf", "not", "$ref",
    ]

    public init(_ schema: JSONValue) throws(JSONSchemaError) {
        root = schema
        var patterns: [String: NSRegularExpression] = [:]
        try Self.check(schema, at: "#", patterns: &patterns)
        self.patterns = patterns
    }

    /// Every violation (up to `limit`), or an empty list when the instance matches.
    public func validate(_ instance: JSONValue, limit: Int = 10) -> [Violation] {
        var violations: [Violation] = []
        validate(instance, against: root, at: "", into: &violations, limit: limit)
        return violations
    }

    private func validate(_ instance: JSONValue, against schema: JSONValue, at path: String, into violations: inout [Violation], limit: Int) {
        guard violations.count < limit else { return }
        if case .bool(let allowed) = schema {
            if !allowed { violations.append(Violation(path: path, message: "no value is allowed here")) }
            return
        }
        guard let members = schema.members else { return }
        func fail(_ message: String) { violations.append(Violation(path: path, message: message)) }
        for (keyword, value) in members {
            switch keyword {
            case "$ref":
                if let target = value.string.flatMap(resolve) { validate(instance, against: target, at: path, into: &violations, limit: limit) }
            case "type":
                let allowed = value.string.map { [$0] } ?? value.array?.compactMap(\.string) ?? []
                if !allowed.contains(where: { Self.matches(instance, type: $0) }) {
                    fail("expected \(allowed.joined(separator: " or ")), found \(instance.typeName == "integer" ? "number" : instance.typeName)")
                }
            case "enum":
                if let options = value.array, !options.contains(instance) {
                    fail("must be one of \(options.map(\.summary).joined(separator: ", "))")
                }
            case "const":
                if instance != value { fail("must be \(value.summary)") }
            case "properties":
                guard let object = instance.members, let properties = value.members else { continue }
                for (name, propertySchema) in properties {
                    if let member = object.first(where: { $0.key == name }) {
                        validate(member.value, against: propertySchema, at: path + "/" + Self.escape(name), into: &violations, limit: limit)
                    }
                }
            case "required":
                guard let object = instance.members else { continue }
                for name in value.array?.compactMap(\.string) ?? [] where !object.contains(where: { $0.key == name }) {
                    fail("missing required member \"\(name)\"")
                }
            case "additionalProperties":
                guard let object = instance.members else { continue }
                let declared = Set(schema["properties"]?.members?.map(\.key) ?? [])
                for (name, memberValue) in object where !declared.contains(name) {
                    validate(memberValue, against: value, at: path + "/" + Self.escape(name), into: &violations, limit: limit)
                }
            case "minProperties", "maxProperties":
                guard let object = instance.members, let bound = value.number else { continue }
                if keyword == "minProperties", Double(object.count) < bound { fail("needs at least \(Int(bound)) members") }
                if keyword == "maxProperties", Double(object.count) > bound { fail("allows at most \(Int(bound)) members") }
            case "items":
                guard let items = instance.array else { continue }
                for (index, item) in items.enumerated() {
                    validate(item, against: value, at: path + "/\(index)", into: &violations, limit: limit)
                }
            case "minItems", "maxItems":
                guard let items = instance.array, let bound = value.number else { continue }
                if keyword == "minItems", Double(items.count) < bound { fail("needs at least \(Int(bound)) items") }
                if keyword == "maxItems", Double(items.count) > bound { fail("allows at most \(Int(bound)) items") }
            case "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum":
                guard let number = instance.number, let bound = value.number else { continue }
                switch keyword {
                case "minimum" where number < bound: fail("must be ≥ \(JSONValue.format(bound))")
                case "maximum" where number > bound: fail("must be ≤ \(JSONValue.format(bound))")
                case "exclusiveMinimum" where number <= bound: fail("must be > \(JSONValue.format(bound))")
                case "exclusiveMaximum" where number >= bound: fail("must be < \(JSONValue.format(bound))")
                default: break
                }
            case "minLength", "maxLength":
                guard let text = instance.string, let bound = value.number else { continue }
                let length = text.unicodeScalars.count
                if keyword == "minLength", Double(length) < bound { fail("must be at least \(Int(bound)) characters long") }
                if keyword == "maxLength", Double(length) > bound { fail("must be at most \(Int(bound)) characters long") }
            case "pattern":
                guard let text = instance.string, let source = value.string, let pattern = patterns[source] else { continue }
                if pattern.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) == nil { fail("must match /\(source)/") }
            case "format":
                guard let text = instance.string, let format = value.string else { continue }
                if !Self.matches(text, format: format) { fail("is not a valid \(format)") }
            case "allOf":
                for part in value.array ?? [] { validate(instance, against: part, at: path, into: &violations, limit: limit) }
            case "anyOf", "oneOf":
                let parts = value.array ?? []
                let matching = parts.filter { part in
                    var inner: [Violation] = []
                    validate(instance, against: part, at: path, into: &inner, limit: 1)
                    return inner.isEmpty
                }.count
                if keyword == "anyOf", matching == 0 { fail("matches none of the allowed forms") }
                if keyword == "oneOf", matching != 1 { fail(matching == 0 ? "matches none of the allowed forms" : "matches more than one form") }
            case "not":
                var inner: [Violation] = []
                validate(instance, against: value, at: path, into: &inner, limit: 1)
                if inner.isEmpty { fail("matches a form that is not allowed") }
            default:
                continue
            }
            guard violations.count < limit else { return }
        }
    }

    private func resolve(_ reference: String) -> JSONValue? {
        guard reference.hasPrefix("#") else { return nil }
        var node = root
        for token in reference.dropFirst().split(separator: "/") {
            let name = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            guard let next = node[name] else { return nil }
            node = next
        }
        return node
    }

    private static func matches(_ value: JSONValue, type: String) -> Bool {
        switch (type, value) {
        case ("null", .null), ("boolean", .bool), ("number", .number), ("string", .string), ("array", .array), ("object", .object): true
        case ("integer", .number(let number)): number == number.rounded()
        default: false
        }
    }

    static func matches(_ text: String, format: String) -> Bool {
        switch format {
        case "uuid": UUID(uuidString: text) != nil
        case "date-time": RFC3339.isDateTime(text)
        case "date": RFC3339.isDate(text)
        default: true
        }
    }

    /// A member name as a JSON Pointer token (RFC 6901). Runs for every member validated, and
    /// almost no name holds `~` or `/`.
    private static func escape(_ name: String) -> String {
        guard name.utf8.contains(where: { $0 == UInt8(ascii: "~") || $0 == UInt8(ascii: "/") }) else { return name }
        return name.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }

    /// Checks that every keyword is known and that patterns and references compile.
    private static func check(_ schema: JSONValue, at path: String, patterns: inout [String: NSRegularExpression]) throws(JSONSchemaError) {
        if case .bool = schema { return }
        guard let members = schema.members else { throw JSONSchemaError("\(path) is not a schema (an object or a boolean)") }
        for (keyword, value) in members {
            switch keyword {
            case "properties", "$defs", "definitions":
                for (name, subschema) in value.members ?? [] { try check(subschema, at: "\(path)/\(keyword)/\(name)", patterns: &patterns) }
            case "additionalProperties", "items", "not":
                try check(value, at: "\(path)/\(keyword)", patterns: &patterns)
            case "allOf", "anyOf", "oneOf":
                for (index, subschema) in (value.array ?? []).enumerated() {
                    try check(subschema, at: "\(path)/\(keyword)/\(index)", patterns: &patterns)
                }
            case "pattern":
                guard let source = value.string else { throw JSONSchemaError("\(path)/pattern must be a string") }
                do {
                    patterns[source] = try NSRegularExpression(pattern: source)
                } catch {
                    throw JSONSchemaError("\(path)/pattern /\(source)/ is not a valid regular expression")
                }
            case "$ref":
                guard let reference = value.string, reference.hasPrefix("#") else {
                    throw JSONSchemaError("\(path)/$ref: only local references (#/$defs/…) are supported")
                }
            default:
                guard implemented.contains(keyword) || annotations.contains(keyword) else {
                    throw JSONSchemaError("\(path): the keyword \(keyword) is not supported by this validator")
                }
            }
        }
    }
}

/// A schema that uses what the validator cannot check, or is malformed.
public struct JSONSchemaError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Syntax checks for RFC 3339 dates and date-times (`format` validation).
enum RFC3339 {
    static func isDate(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.count == 10 && date(bytes, 0)
    }

    static func isDateTime(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, date(bytes, 0), [UInt8(ascii: "T"), UInt8(ascii: "t"), UInt8(ascii: " ")].contains(bytes[10]),
            digits(bytes, 11, 2, max: 23), bytes[13] == UInt8(ascii: ":"), digits(bytes, 14, 2, max: 59), bytes[16] == UInt8(ascii: ":"),
            digits(bytes, 17, 2, max: 60)
        else { return false }
        var index = 19
        if bytes[index] == UInt8(ascii: ".") {
            index += 1
            let start = index
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
            guard index > start else { return false }
        }
        guard index < bytes.count else { return false }
        if bytes[index] == UInt8(ascii: "Z") || bytes[index] == UInt8(ascii: "z") { return index + 1 == bytes.count }
        guard bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-"), index + 6 == bytes.count else { return false }
        return digits(bytes, index + 1, 2, max: 23) && bytes[index + 3] == UInt8(ascii: ":") && digits(bytes, index + 4, 2, max: 59)
    }

    private static func date(_ bytes: [UInt8], _ start: Int) -> Bool {
        guard bytes.count >= start + 10, digits(bytes, start, 4, max: 9999), bytes[start + 4] == UInt8(ascii: "-"),
            digits(bytes, start + 5, 2, max: 12), bytes[start + 7] == UInt8(ascii: "-"), digits(bytes, start + 8, 2, max: 31)
        else { return false }
        let year = number(bytes, start, 4)
        let month = number(bytes, start + 5, 2)
        let day = number(bytes, start + 8, 2)
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return month >= 1 && day >= 1 && day <= lengths[month - 1]
    }

    private static func digits(_ bytes: [UInt8], _ start: Int, _ count: Int, max: Int) -> Bool {
        guard bytes.count >= start + count else { return false }
        for index in start..<start + count where !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { return false }
        return number(bytes, start, count) <= max
    }

    private static func number(_ bytes: [UInt8], _ start: Int, _ count: Int) -> Int {
        bytes[start..<start + count].reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
    }
}

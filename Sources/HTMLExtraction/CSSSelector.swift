/// A CSS selector (Selectors Level 3, the part that selects elements), translated to the XPath 1.0
/// expression libxml2 evaluates: type and universal selectors, `#id`, `.class`, attribute selectors
/// (`[a]`, `=`, `~=`, `^=`, `$=`, `*=`, `|=`), the combinators descendant, `>`, `+` and `~`, groups
/// with `,`, and the pseudo-classes `:first-child`, `:last-child`, `:only-child`, `:nth-child(an+b)`,
/// `:first-of-type`, `:last-of-type`, `:nth-of-type(an+b)`, `:empty`, `:not(…)` and `:contains("…")`.
/// Relative to the node it is evaluated from, as in `element.querySelectorAll`.
public struct CSSSelector: Sendable, Hashable, CustomStringConvertible {
    public let text: String
    /// The equivalent XPath.
    public let xpath: XPathExpression

    public init(_ text: String) throws(CSSSelectorError) {
        var parser = CSSSelectorParser(text)
        let translated = try parser.parseGroup()
        do {
            xpath = try XPathExpression(translated)
        } catch {
            throw CSSSelectorError(selector: text, position: 0, reason: "it translates to XPath libxml2 refuses: \(error.reason)")
        }
        self.text = text
    }

    public var description: String { text }
}

/// A selector that could not be read, with where and why.
public struct CSSSelectorError: Error, Sendable, CustomStringConvertible {
    public var selector: String
    /// Character offset of the mistake (0-based).
    public var position: Int
    public var reason: String
    public var description: String { "CSS selector \(selector) at character \(position + 1): \(reason)" }
}

/// A recursive-descent reader of selectors that writes XPath as it goes.
struct CSSSelectorParser {
    private let characters: [Character]
    private let source: String
    private var index = 0

    init(_ text: String) {
        source = text
        characters = Array(text)
    }

    mutating func parseGroup() throws(CSSSelectorError) -> String {
        var paths: [String] = []
        repeat {
            skipSpaces()
            paths.append(try parseSelector())
            skipSpaces()
        } while consume(",")
        guard index == characters.count else { throw failure("unexpected \"\(characters[index])\"") }
        return paths.joined(separator: " | ")
    }

    private mutating func parseSelector() throws(CSSSelectorError) -> String {
        var path = "descendant-or-self::" + (try parseCompound())
        while true {
            let hadSpace = skipSpaces()
            guard index < characters.count, characters[index] != "," else { return path }
            let combinator: Character
            if ">+~".contains(characters[index]) {
                combinator = characters[index]
                index += 1
                skipSpaces()
            } else if hadSpace {
                combinator = " "
            } else {
                throw failure("unexpected \"\(characters[index])\"")
            }
            let compound = try parseCompound()
            switch combinator {
            case ">": path += "/" + compound
            case "+": path += "/following-sibling::*[1]/self::" + compound
            case "~": path += "/following-sibling::" + compound
            default: path += "/descendant::" + compound
            }
        }
    }

    /// One compound selector as `name[cond][cond]`.
    private mutating func parseCompound() throws(CSSSelectorError) -> String {
        let start = index
        var name = "*"
        if consume("*") {
            name = "*"
        } else if let identifier = readIdentifier() {
            name = identifier.lowercased()
        }
        var conditions: [String] = []
        loop: while index < characters.count {
            switch characters[index] {
            case "#":
                index += 1
                guard let id = readIdentifier() else { throw failure("expected an id after #") }
                conditions.append("@id = \(Self.literal(id))")
            case ".":
                index += 1
                guard let name = readIdentifier() else { throw failure("expected a class name after .") }
                conditions.append("contains(concat(' ', normalize-space(@class), ' '), \(Self.literal(" \(name) ")))")
            case "[":
                index += 1
                conditions.append(try parseAttribute())
            case ":":
                index += 1
                conditions.append(try parsePseudo(elementName: name))
            default:
                break loop
            }
        }
        if index == start { throw failure(index < characters.count ? "unexpected \"\(characters[index])\"" : "expected a selector") }
        return name + conditions.map { "[\($0)]" }.joined()
    }

    private mutating func parseAttribute() throws(CSSSelectorError) -> String {
        skipSpaces()
        guard let name = readIdentifier()?.lowercased() else { throw failure("expected an attribute name") }
        skipSpaces()
        if consume("]") { return "@\(name)" }
        var operation = ""
        for candidate in ["~=", "^=", "$=", "*=", "|=", "="] where lookingAt(candidate) {
            operation = candidate
            index += candidate.count
            break
        }
        guard !operation.isEmpty else { throw failure("expected =, ~=, ^=, $=, *=, |= or ]") }
        skipSpaces()
        guard let value = readString() ?? readIdentifier() else { throw failure("expected a value") }
        skipSpaces()
        guard consume("]") else { throw failure("expected ]") }
        let attribute = "@\(name)"
        let quoted = Self.literal(value)
        switch operation {
        case "=": return "\(attribute) = \(quoted)"
        case "~=":
            return value.isEmpty || value.contains(where: \.isWhitespace)
                ? "false()" : "contains(concat(' ', normalize-space(\(attribute)), ' '), \(Self.literal(" \(value) ")))"
        case "^=": return value.isEmpty ? "false()" : "starts-with(\(attribute), \(quoted))"
        case "$=":
            return value.isEmpty
                ? "false()" : "substring(\(attribute), string-length(\(attribute)) - \(value.count - 1)) = \(quoted)"
        case "*=": return value.isEmpty ? "false()" : "contains(\(attribute), \(quoted))"
        default: return "(\(attribute) = \(quoted) or starts-with(\(attribute), \(Self.literal(value + "-"))))"
        }
    }

    private mutating func parsePseudo(elementName: String) throws(CSSSelectorError) -> String {
        guard let name = readIdentifier()?.lowercased() else { throw failure("expected a pseudo-class after :") }
        let position = "(count(preceding-sibling::*) + 1)"
        switch name {
        case "first-child": return "not(preceding-sibling::*)"
        case "last-child": return "not(following-sibling::*)"
        case "only-child": return "not(preceding-sibling::*) and not(following-sibling::*)"
        case "empty": return "not(node())"
        case "first-of-type", "last-of-type", "nth-of-type", "nth-last-of-type":
            guard elementName != "*" else { throw failure(":\(name) needs an element name before it, e.g. p:\(name)") }
            if name == "first-of-type" { return "not(preceding-sibling::\(elementName))" }
            if name == "last-of-type" { return "not(following-sibling::\(elementName))" }
            let (a, b) = try parseNth()
            let axis = name == "nth-of-type" ? "preceding" : "following"
            return Self.nth(a, b, position: "(count(\(axis)-sibling::\(elementName)) + 1)")
        case "nth-child":
            let (a, b) = try parseNth()
            return Self.nth(a, b, position: position)
        case "nth-last-child":
            let (a, b) = try parseNth()
            return Self.nth(a, b, position: "(count(following-sibling::*) + 1)")
        case "not":
            guard consume("(") else { throw failure("expected ( after :not") }
            skipSpaces()
            let inner = try parseCompound()
            skipSpaces()
            guard consume(")") else { throw failure("expected ) to close :not(") }
            return "not(self::\(inner))"
        case "contains":
            guard consume("(") else { throw failure("expected ( after :contains") }
            skipSpaces()
            guard let text = readString() else { throw failure("expected a quoted text in :contains(…)") }
            skipSpaces()
            guard consume(")") else { throw failure("expected ) to close :contains(") }
            return "contains(string(.), \(Self.literal(text)))"
        default:
            throw failure("the pseudo-class :\(name) is not supported (state pseudo-classes such as :hover mean nothing in a fetched page)")
        }
    }

    /// `an+b`, `odd`, `even` or an integer, in parentheses.
    private mutating func parseNth() throws(CSSSelectorError) -> (Int, Int) {
        guard consume("(") else { throw failure("expected (") }
        var text = ""
        while index < characters.count, characters[index] != ")" {
            if !characters[index].isWhitespace { text.append(characters[index]) }
            index += 1
        }
        guard consume(")") else { throw failure("expected )") }
        let lowered = text.lowercased()
        if lowered == "odd" { return (2, 1) }
        if lowered == "even" { return (2, 0) }
        if let b = Int(lowered) { return (0, b) }
        guard let n = lowered.firstIndex(of: "n") else { throw failure("expected an+b, odd, even or a number, found \(text)") }
        let aText = String(lowered[..<n])
        let bText = String(lowered[lowered.index(after: n)...])
        let a: Int? = aText.isEmpty || aText == "+" ? 1 : aText == "-" ? -1 : Int(aText)
        let b: Int? = bText.isEmpty ? 0 : Int(bText.hasPrefix("+") ? String(bText.dropFirst()) : bText)
        guard let a, let b else { throw failure("expected an+b, odd, even or a number, found \(text)") }
        return (a, b)
    }

    /// The XPath condition that `position` is a·n + b for some n ≥ 0.
    static func nth(_ a: Int, _ b: Int, position: String) -> String {
        if a == 0 { return "\(position) = \(b)" }
        if a > 0 { return "\(position) >= \(b) and (\(position) - \(b)) mod \(a) = 0" }
        return "\(position) <= \(b) and (\(b) - \(position)) mod \(-a) = 0"
    }

    /// An XPath string literal for any text (XPath 1.0 has no escapes: `concat` joins the parts).
    static func literal(_ text: String) -> String {
        if !text.contains("'") { return "'\(text)'" }
        if !text.contains("\"") { return "\"\(text)\"" }
        let parts = text.split(separator: "'", omittingEmptySubsequences: false).map { "'\($0)'" }
        return "concat(" + parts.joined(separator: ", \"'\", ") + ")"
    }

    // MARK: - Lexing

    @discardableResult
    private mutating func skipSpaces() -> Bool {
        let start = index
        while index < characters.count, characters[index].isWhitespace { index += 1 }
        return index > start
    }

    private mutating func consume(_ character: Character) -> Bool {
        guard index < characters.count, characters[index] == character else { return false }
        index += 1
        return true
    }

    private func lookingAt(_ text: String) -> Bool {
        let wanted = Array(text)
        guard index + wanted.count <= characters.count else { return false }
        return Array(characters[index..<index + wanted.count]) == wanted
    }

    /// An identifier: letters, digits, `-`, `_`, anything beyond ASCII, and backslash escapes.
    private mutating func readIdentifier() -> String? {
        var result = ""
        while index < characters.count {
            let character = characters[index]
            if character == "\\", index + 1 < characters.count {
                index += 1
                result.append(readEscape())
                continue
            }
            let isName = character.isLetter || character.isNumber || character == "-" || character == "_" || !character.isASCII
            guard isName else { break }
            // An identifier does not start with a digit, nor with a hyphen followed by one.
            if result.isEmpty, character.isNumber { return nil }
            result.append(character)
            index += 1
        }
        return result.isEmpty ? nil : result
    }

    /// After a backslash: up to six hex digits (and one following space) or the character itself.
    private mutating func readEscape() -> Character {
        var hex = ""
        while index < characters.count, hex.count < 6, characters[index].isHexDigit {
            hex.append(characters[index])
            index += 1
        }
        if hex.isEmpty {
            defer { index += 1 }
            return characters[index]
        }
        if index < characters.count, characters[index] == " " { index += 1 }
        return UInt32(hex, radix: 16).flatMap(Unicode.Scalar.init).map(Character.init) ?? "\u{FFFD}"
    }

    /// A quoted string, single or double, with backslash escapes.
    private mutating func readString() -> String? {
        guard index < characters.count, characters[index] == "'" || characters[index] == "\"" else { return nil }
        let quote = characters[index]
        index += 1
        var result = ""
        while index < characters.count, characters[index] != quote {
            if characters[index] == "\\", index + 1 < characters.count {
                index += 1
                result.append(readEscape())
            } else {
                result.append(characters[index])
                index += 1
            }
        }
        guard index < characters.count else { return nil }
        index += 1
        return result
    }

    private func failure(_ reason: String) -> CSSSelectorError {
        CSSSelectorError(selector: source, position: index, reason: reason)
    }
}

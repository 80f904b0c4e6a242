/// A token of cql2-text, with its 1-based character position.
struct CQL2Token: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        /// An unquoted identifier or keyword, as written.
        case word(String)
        /// A double-quoted property name, without the quotes.
        case quotedName(String)
        /// A single-quoted character literal, unescaped.
        case string(String)
        /// An unsigned number, with its text.
        case number(Double, String)
        /// `(` `)` `,` `[` `]` `=` `<>` `<` `<=` `>` `>=` `+` `-` `*` `/` `%` `^`
        case symbol(String)
        case end
    }

    var kind: Kind
    var position: Int

    /// The word, upper-cased, when this is an unquoted word.
    var keyword: String? {
        if case .word(let word) = kind { return word.uppercased() }
        return nil
    }

    func isSymbol(_ symbol: String) -> Bool { kind == .symbol(symbol) }

    /// How the token reads in an error message.
    var quoted: String {
        switch kind {
        case .word(let word): "'\(word)'"
        case .quotedName(let name): "\"\(name)\""
        case .string(let text): "the string '\(text.count > 40 ? String(text.prefix(40)) + "…" : text)'"
        case .number(_, let text): "the number \(text)"
        case .symbol(let symbol): "'\(symbol)'"
        case .end: "the end of the filter"
        }
    }
}

/// Splits cql2-text into tokens.
struct CQL2Lexer {
    private let characters: [Character]
    private var index = 0

    init(_ text: String) {
        characters = Array(text)
    }

    static func tokens(_ text: String) throws(CQL2Error) -> [CQL2Token] {
        var lexer = CQL2Lexer(text)
        var tokens: [CQL2Token] = []
        while true {
            let token = try lexer.next()
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    private mutating func next() throws(CQL2Error) -> CQL2Token {
        while index < characters.count, characters[index].isWhitespace { index += 1 }
        let start = index
        let position = start + 1
        guard index < characters.count else { return CQL2Token(kind: .end, position: position) }
        let character = characters[index]
        if Self.isIdentifierStart(character) {
            while index < characters.count, Self.isIdentifierPart(characters[index]) { index += 1 }
            return CQL2Token(kind: .word(String(characters[start..<index])), position: position)
        }
        if character.isASCII, character.isNumber || (character == "." && index + 1 < characters.count && characters[index + 1].isASCIIDigit) {
            return try number(at: start)
        }
        switch character {
        case "'":
            return CQL2Token(kind: .string(try string(at: start)), position: position)
        case "\"":
            index += 1
            let nameStart = index
            while index < characters.count, characters[index] != "\"" { index += 1 }
            guard index < characters.count else {
                throw CQL2Error(.syntax, "the double-quoted property name is not closed with \"", position: position)
            }
            let name = String(characters[nameStart..<index])
            index += 1
            guard !name.isEmpty else { throw CQL2Error(.syntax, "a double-quoted property name is empty", position: position) }
            return CQL2Token(kind: .quotedName(name), position: position)
        case "<":
            index += 1
            if index < characters.count, characters[index] == ">" || characters[index] == "=" {
                index += 1
                return CQL2Token(kind: .symbol("<" + String(characters[index - 1])), position: position)
            }
            return CQL2Token(kind: .symbol("<"), position: position)
        case ">":
            index += 1
            if index < characters.count, characters[index] == "=" {
                index += 1
                return CQL2Token(kind: .symbol(">="), position: position)
            }
            return CQL2Token(kind: .symbol(">"), position: position)
        case "!":
            if index + 1 < characters.count, characters[index + 1] == "=" {
                throw CQL2Error(.syntax, "'!=' is not CQL2; write '<>' for not equal", position: position)
            }
        case "(", ")", ",", "[", "]", "=", "+", "-", "*", "/", "%", "^":
            index += 1
            return CQL2Token(kind: .symbol(String(character)), position: position)
        default:
            break
        }
        throw CQL2Error(.syntax, "unexpected character '\(character)'", position: position)
    }

    /// A single-quoted literal; `''` and `\'` stand for a quote, every other character (other
    /// backslashes too) is itself, so LIKE escapes such as `'a\%b'` reach the pattern unchanged.
    private mutating func string(at start: Int) throws(CQL2Error) -> String {
        index += 1
        var text = ""
        while index < characters.count {
            let character = characters[index]
            if character == "'" {
                if index + 1 < characters.count, characters[index + 1] == "'" {
                    text.append("'")
                    index += 2
                    continue
                }
                index += 1
                return text
            }
            if character == "\\", index + 1 < characters.count, characters[index + 1] == "'" {
                text.append("'")
                index += 2
                continue
            }
            text.append(character)
            index += 1
        }
        throw CQL2Error(.syntax, "the string starting here is not closed with '", position: start + 1)
    }

    private mutating func number(at start: Int) throws(CQL2Error) -> CQL2Token {
        while index < characters.count, characters[index].isASCIIDigit { index += 1 }
        if index < characters.count, characters[index] == "." {
            index += 1
            while index < characters.count, characters[index].isASCIIDigit { index += 1 }
        }
        if index < characters.count, characters[index] == "e" || characters[index] == "E" {
            var lookahead = index + 1
            if lookahead < characters.count, characters[lookahead] == "+" || characters[lookahead] == "-" { lookahead += 1 }
            if lookahead < characters.count, characters[lookahead].isASCIIDigit {
                index = lookahead
                while index < characters.count, characters[index].isASCIIDigit { index += 1 }
            }
        }
        let text = String(characters[start..<index])
        if index < characters.count, Self.isIdentifierStart(characters[index]) {
            throw CQL2Error(
                .syntax, "a number runs into a name: '\(text)\(characters[index])'; put a space or an operator between them", position: start + 1)
        }
        guard let value = Double(text), value.isFinite else {
            throw CQL2Error(.invalidValue, "the number \(text) is out of range", position: start + 1)
        }
        return CQL2Token(kind: .number(value, text), position: start + 1)
    }

    static func isIdentifierStart(_ character: Character) -> Bool {
        character == "_" || character == ":" || character.isLetter
    }

    static func isIdentifierPart(_ character: Character) -> Bool {
        isIdentifierStart(character) || character.isASCIIDigit || character == "."
            || character.unicodeScalars.allSatisfy { (0x300...0x36F).contains($0.value) || (0x203F...0x2040).contains($0.value) }
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

/// A LIKE pattern as PostgreSQL reads it: `%` any run of characters, `_` one character, `\` makes
/// the next character literal; matched over Unicode scalars, case-sensitively.
struct LikePattern: Sendable, Hashable {
    enum Token: Sendable, Hashable {
        case scalar(Unicode.Scalar)
        case one
        case any
    }

    let tokens: [Token]

    /// `nil` when the pattern ends with an unpaired `\` (PostgreSQL refuses it).
    init?(_ pattern: String) {
        var tokens: [Token] = []
        var escaped = false
        for scalar in pattern.unicodeScalars {
            if escaped {
                tokens.append(.scalar(scalar))
                escaped = false
                continue
            }
            switch scalar {
            case "\\": escaped = true
            case "%": if tokens.last != .any { tokens.append(.any) }
            case "_": tokens.append(.one)
            default: tokens.append(.scalar(scalar))
            }
        }
        guard !escaped else { return nil }
        self.tokens = tokens
    }

    /// Whether `text` matches the whole pattern (greedy with backtracking to the last `%`).
    func matches(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        var (t, p) = (0, 0)
        var star: (pattern: Int, text: Int)?
        while t < scalars.count {
            if p < tokens.count {
                switch tokens[p] {
                case .any:
                    star = (p, t)
                    p += 1
                    continue
                case .one:
                    t += 1
                    p += 1
                    continue
                case .scalar(let expected) where expected == scalars[t]:
                    t += 1
                    p += 1
                    continue
                case .scalar: break
                }
            }
            guard let last = star else { return false }
            star = (last.pattern, last.text + 1)
            p = last.pattern + 1
            t = last.text + 1
        }
        while p < tokens.count, tokens[p] == .any { p += 1 }
        return p == tokens.count
    }
}

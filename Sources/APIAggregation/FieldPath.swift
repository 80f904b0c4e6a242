import JSON

/// A path into a record: member names separated by dots, array positions in brackets
/// (`stations[0].iaqi.pm25`); a name with a dot in it is written in quotes (`["pm2.5"]`).
public struct FieldPath: Sendable, Hashable, CustomStringConvertible {
    enum Step: Sendable, Hashable {
        case member(String)
        case index(Int)
    }

    public let text: String
    let steps: [Step]

    public init(_ text: String) throws(APIPollDefinitionError) {
        var steps: [Step] = []
        var characters = Substring(text)
        var name = ""
        func flush() {
            if !name.isEmpty { steps.append(.member(name)) }
            name = ""
        }
        while let character = characters.first {
            characters = characters.dropFirst()
            switch character {
            case ".":
                guard !name.isEmpty || steps.last.map({ if case .index = $0 { true } else { false } }) == true else {
                    throw APIPollDefinitionError("the path \(text) has an empty name before a dot")
                }
                flush()
            case "[":
                flush()
                guard let close = characters.firstIndex(of: "]") else { throw APIPollDefinitionError("the path \(text) has [ without ]") }
                let inside = characters[..<close]
                characters = characters[characters.index(after: close)...]
                if let index = Int(inside), index >= 0 {
                    steps.append(.index(index))
                } else if inside.count >= 2, let first = inside.first, first == "\"" || first == "'", inside.last == first {
                    steps.append(.member(String(inside.dropFirst().dropLast())))
                } else {
                    throw APIPollDefinitionError("the path \(text) has [\(inside)]: write a position ([0]) or a quoted name ([\"pm2.5\"])")
                }
            default:
                name.append(character)
            }
        }
        flush()
        guard !steps.isEmpty else { throw APIPollDefinitionError("a path must name a field") }
        self.text = text
        self.steps = steps
    }

    public var description: String { text }

    /// The value at the path, or `nil` when some step is missing.
    public func value(in record: JSONValue) -> JSONValue? {
        var current = record
        for step in steps {
            switch (step, current) {
            case (.member(let name), .object): guard let next = current[name] else { return nil }; current = next
            case (.index(let index), .array(let items)): guard index < items.count else { return nil }; current = items[index]
            default: return nil
            }
        }
        return current
    }
}

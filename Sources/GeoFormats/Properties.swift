/// One named attribute value.
public struct Property: Sendable, Hashable {
    public var name: String
    public var value: FieldValue

    public init(_ name: String, _ value: FieldValue) {
        self.name = name
        self.value = value
    }
}

/// A feature's attributes in the source's field order, looked up by name when needed.
public struct Properties: Sendable, Hashable, RandomAccessCollection, ExpressibleByDictionaryLiteral {
    public private(set) var entries: [Property]

    public init(_ entries: [Property] = []) {
        self.entries = entries
    }

    /// Keeps the literal's order: `["名称": .string("江汉路"), "floors": .integer(3)]`.
    public init(dictionaryLiteral elements: (String, FieldValue)...) {
        self.entries = elements.map { Property($0.0, $0.1) }
    }

    public var startIndex: Int { entries.startIndex }
    public var endIndex: Int { entries.endIndex }
    public subscript(position: Int) -> Property { entries[position] }

    /// The value of the first attribute with this exact name, `nil` when there is none.
    /// Setting replaces that value, or appends the attribute; setting `nil` removes it.
    public subscript(name: String) -> FieldValue? {
        get { entries.first { $0.name == name }?.value }
        set {
            let index = entries.firstIndex { $0.name == name }
            switch (index, newValue) {
            case (let index?, let value?): entries[index].value = value
            case (let index?, nil): entries.remove(at: index)
            case (nil, let value?): entries.append(Property(name, value))
            case (nil, nil): break
            }
        }
    }

    public mutating func append(_ name: String, _ value: FieldValue) {
        entries.append(Property(name, value))
    }

    /// The attribute names, in order.
    public var names: [String] { entries.map(\.name) }
}

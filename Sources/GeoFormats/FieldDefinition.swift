/// The attribute types the module carries through every format.
public enum FieldType: String, Sendable, Hashable, CaseIterable, Codable {
    case string
    case integer
    case real
    case boolean
    case date
    case dateTime
}

/// One attribute column: its name and type, with width and precision where the source declared them.
public struct FieldDefinition: Sendable, Hashable, Codable, CustomStringConvertible {
    public var name: String
    public var type: FieldType
    /// Declared width (characters or digits), `0` when not declared. Shapefile and CSV honour it.
    public var width: Int
    /// Declared decimal places of a real, `0` when not declared.
    public var precision: Int

    public init(_ name: String, _ type: FieldType, width: Int = 0, precision: Int = 0) {
        self.name = name
        self.type = type
        self.width = width
        self.precision = precision
    }

    public var description: String { "\(name): \(type.rawValue)" }
}

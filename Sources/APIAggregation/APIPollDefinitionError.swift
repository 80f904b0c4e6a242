/// A definition that cannot be used, naming the field and what is wrong.
public struct APIPollDefinitionError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Why a filter, `sortby` or `properties` value was refused, in words the person who wrote it can act
/// on: where in the text (for cql2-text), what was expected, which properties exist. Every case is a
/// client error: an API answers it with a 400 problem whose `detail` is ``message``.
public struct CQL2Error: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        /// The text or JSON does not follow the CQL2 grammar.
        case syntax
        /// Valid CQL2 that this server does not implement (array functions, custom functions, …).
        case unsupported
        /// A property that is not among the collection's queryables.
        case unknownProperty
        /// Operands of the wrong type for an operator, e.g. `LIKE` on a number.
        case typeMismatch
        /// A literal out of range: a date that does not exist, an unclosed polygon ring, a negative distance.
        case invalidValue
    }

    public var kind: Kind
    /// The whole explanation, including the position when there is one.
    public var message: String
    /// 1-based character position in a cql2-text filter, when the error has one.
    public var position: Int?

    public init(_ kind: Kind, _ message: String, position: Int? = nil) {
        self.kind = kind
        self.position = position
        self.message = position.map { "\(message) (at character \($0))" } ?? message
    }

    public var description: String { message }
}

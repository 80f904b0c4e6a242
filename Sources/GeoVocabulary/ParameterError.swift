/// A request or command-line parameter that cannot be used, with a message the user can act on.
/// The HTTP API answers it with a 400 problem whose `detail` is the message.
public struct ParameterError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

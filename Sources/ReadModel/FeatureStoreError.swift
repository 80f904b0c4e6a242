/// Why a feature request was refused, as the API answers it: the kind picks the status, the
/// message is the problem's `detail`.
public struct FeatureStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// 400: a parameter the client can fix.
        case badRequest
        /// 404: no such collection or feature.
        case notFound
        /// 413: over a configured size limit.
        case tooLarge
        /// 409: conflicts with what exists (a collection registered twice).
        case conflict
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}

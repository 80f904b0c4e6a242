/// A role on a scope of collections: `*` (every collection), a collection id, or a group of
/// collections named by a pattern ending in `*` (`traffic_*`).
public struct Grant: Sendable, Hashable, Codable {
    public var role: Role
    public var scope: String

    public init(role: Role, scope: String = "*") {
        self.role = role
        self.scope = scope
    }

    /// Whether the grant covers the collection `id`.
    public func covers(_ id: String) -> Bool {
        if scope == "*" { return true }
        if scope.hasSuffix("*") { return id.hasPrefix(scope.dropLast()) }
        return scope == id
    }

    /// Whether the grant covers every collection.
    public var isGlobal: Bool { scope == "*" }
}

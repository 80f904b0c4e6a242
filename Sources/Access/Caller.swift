/// Who is asking, and what they may see and do: the one access scope every read consults. The API
/// sets ``current`` for the whole of a request; the read model's collection lookup filters by it.
public struct Caller: Sendable, Hashable {
    /// The user's name; `nil` for an anonymous caller.
    public var name: String?
    public var clearance: Clearance
    /// The user's own grants and those of their groups.
    public var grants: [Grant]
    /// Whether an anonymous caller may read public collections (`--anonymous-reads`).
    public var readsPublic: Bool

    public init(name: String?, clearance: Clearance, grants: [Grant], readsPublic: Bool = true) {
        self.name = name
        self.clearance = clearance
        self.grants = grants
        self.readsPublic = readsPublic
    }

    /// No credentials; reads public collections when `readsPublic`.
    public static func anonymous(readsPublic: Bool = true) -> Caller {
        Caller(name: nil, clearance: .public, grants: [], readsPublic: readsPublic)
    }

    /// The platform itself (command-line tools on the operator's own machine, stages): sees and may do everything.
    public static let system = Caller(name: "system", clearance: .classified, grants: [Grant(role: .admin)])

    public var isAnonymous: Bool { name == nil }

    /// The collection of the audit trail.
    public static let auditCollection = "audit"

    /// The scope of the current task; outside a request (or a ``system`` block), only public data.
    @TaskLocal public static var current = Caller.anonymous()

    /// Whether the caller may know the collection exists: its classification is within the caller's
    /// clearance. A hidden collection answers 404, as if it did not exist.
    public func sees(classification: String?) -> Bool {
        if isAnonymous && !readsPublic { return false }
        return Clearance(label: classification) <= clearance
    }

    /// Whether the caller holds `permission` on collection `id` whose classification is
    /// `classification`: every caller reads public collections (anonymous ones when allowed); all
    /// else needs a grant covering the collection, and the clearance.
    public func may(_ permission: Permission, on id: String, classification: String?) -> Bool {
        guard sees(classification: classification) else { return false }
        // The audit trail is read by auditors alone, whatever else a caller may read.
        if id == Self.auditCollection && permission == .read { return grants.contains { $0.role.permissions.contains(.audit) && $0.covers(id) } }
        if permission == .read && Clearance(label: classification) == .public { return true }
        return grants.contains { $0.role.permissions.contains(permission) && $0.covers(id) }
    }

    /// Whether the caller holds `permission` on every collection (a grant on `*`).
    public func mayEverywhere(_ permission: Permission) -> Bool {
        grants.contains { $0.isGlobal && $0.role.permissions.contains(permission) }
    }

    /// The roles the caller holds anywhere, for `/auth/me` and the audit trail.
    public var roles: [String] { Array(Set(grants.map(\.role.rawValue))).sorted() }
}

/// What a caller may do, granted per collection (or group of collections) through a ``Role``.
public enum Permission: String, Sendable, CaseIterable {
    /// Read features, tiles, statistics, history and diffs of a collection.
    case read
    /// Heavier analysis: scenario replay, batch geocoding.
    case analyse
    /// Change data and metadata: imports, catalogue edits, gazetteer edits, item submissions.
    case edit
    /// Run the platform: dead letters and their re-drive, metrics, import jobs, alert rules,
    /// aggregations and geofences.
    case operate
    /// Read the audit trail.
    case audit
    /// Manage users, groups, grants and tokens.
    case administer
}

/// A named set of permissions.
public enum Role: String, Sendable, CaseIterable, Codable {
    case viewer, analyst, editor, `operator`, auditor, admin

    /// What the role allows.
    public var permissions: Set<Permission> {
        switch self {
        case .viewer: [.read]
        case .analyst: [.read, .analyse]
        case .editor: [.read, .analyse, .edit]
        case .`operator`: [.read, .operate]
        case .auditor: [.read, .audit]
        case .admin: Set(Permission.allCases)
        }
    }
}

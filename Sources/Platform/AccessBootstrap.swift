import Access
import Database
import Logging

/// The accounts a new platform starts with: an administrator when there is no user yet (its
/// password printed once), and with `--demo` one account per clearance level.
public enum AccessBootstrap {
    /// The demo accounts: name, clearance, role on every collection.
    static let demoAccounts: [(name: String, clearance: Clearance, role: Role)] = [
        ("demo-public", .public, .viewer), ("demo-government", .government, .analyst), ("demo-classified", .classified, .analyst),
        ("demo-auditor", .classified, .auditor),
    ]

    /// Creates what is missing; returns the lines to show the operator (new passwords among them).
    public static func run(_ database: DatabaseConfiguration, demo: Bool, logger: Logger) async throws -> [String] {
        try await Pipeline.withDatabase(database, logger: logger) { client in
            let store = AccessStore(client: client, logger: logger)
            var lines: [String] = []
            if let password = try await store.bootstrapAdministrator() {
                lines.append("first start: user admin created, password (shown once): \(password)")
            }
            guard demo else { return lines }
            let existing = Set(try await store.users().map(\.name))
            for account in demoAccounts where !existing.contains(account.name) {
                let password = try await store.addUser(account.name, clearance: account.clearance)
                try await store.grant(account.role, on: "*", to: account.name)
                lines.append("demo user \(account.name) (\(account.clearance), \(account.role.rawValue)): password \(password)")
            }
            return lines
        }
    }
}

import Access
import Foundation
import Logging

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

extension TestPlatform {
    /// Whose credentials a helper sends.
    public enum Token: Sendable {
        /// The test administrator (admin on every collection, classified clearance).
        case admin
        /// None.
        case anonymous
        /// This bearer token.
        case bearer(String)
    }

    /// A token of the test administrator, made once per platform.
    public func adminToken() async throws -> String {
        let task = adminTokenTask.withLock { task in
            if let task { return task }
            let made = Task { try await self.makeUser("test-admin", clearance: .classified, grants: [Grant(role: .admin)]) }
            task = made
            return made
        }
        return try await task.value
    }

    /// Makes (or reuses) a user with `clearance` and `grants`, and returns a new API token of theirs
    /// (`lifetime` nil: until revoked).
    public func makeUser(_ name: String, clearance: Clearance, grants: [Grant], lifetime: Duration? = nil) async throws -> String {
        try await withDatabase { client in
            let store = AccessStore(client: client, passwordCost: 4, logger: Logger(label: "shikong.test.access"))
            if try await !store.users().contains(where: { $0.name == name }) {
                try await store.addUser(name, password: "\(name)-password", clearance: clearance)
            }
            for grant in grants { try await store.grant(grant.role, on: grant.scope, to: name) }
            return try await store.issueToken(for: name, label: "test", lifetime: lifetime).token
        }
    }

    /// Adds the `Authorization` header `token` stands for.
    public func authorize(_ request: inout URLRequest, _ token: Token = .admin) async throws {
        switch token {
        case .admin: request.setValue("Bearer \(try await adminToken())", forHTTPHeaderField: "Authorization")
        case .anonymous: request.setValue(nil, forHTTPHeaderField: "Authorization")
        case .bearer(let value): request.setValue("Bearer \(value)", forHTTPHeaderField: "Authorization")
        }
    }
}

import Access
import Foundation
import Hummingbird

/// Administration of users (admin role on every collection): `GET /users`, `POST /users`
/// (`{"name","password"?,"clearance"?,"kind"?,"groups"?}`; a generated password is answered once),
/// grants of a role on a scope to a user or `group:<name>` (`POST`/`DELETE /users/{name}/grants`),
/// and tokens (`POST /users/{name}/tokens` issues an API key, `DELETE` revokes them all).
struct UserRoutes: Sendable {
    let store: AccessStore
    let maximumBody: Int

    struct NewUser: Decodable {
        var name: String
        var password: String?
        var clearance: String?
        var kind: String?
        var groups: [String]?
    }

    struct NewGrant: Decodable {
        var role: String
        var scope: String?
    }

    struct NewToken: Decodable {
        var label: String?
        /// Seconds; none: until revoked.
        var lifetime: Int?
    }

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/users") { _, _ in
            let users = try await store.users()
            let data = try JSONEncoder().encode(["users": users])
            return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
        }
        router.post("/users") { request, _ in
            let user: NewUser = try await AuthRoutes.decode(request, upTo: maximumBody)
            guard let clearance = Clearance(name: user.clearance ?? "public") else {
                throw Problem.badRequest("clearance must be public, government or classified")
            }
            guard ["person", "machine"].contains(user.kind ?? "person") else { throw Problem.badRequest("kind must be person or machine") }
            let password = try await Self.refusingBadInput {
                try await store.addUser(
                    user.name, password: user.password, clearance: clearance, kind: user.kind ?? "person", groups: user.groups ?? [])
            }
            var body: [String: any Sendable] = ["name": user.name, "clearance": clearance.description]
            if user.password == nil { body["password"] = password }
            return try json(body, status: .created)
        }
        router.post("/users/:name/grants") { request, context in
            let principal = try context.parameters.require("name")
            let grant: NewGrant = try await AuthRoutes.decode(request, upTo: maximumBody)
            let role = try Self.role(grant.role)
            try await store.grant(role, on: grant.scope ?? "*", to: principal)
            return try json(["principal": principal, "role": role.rawValue, "scope": grant.scope ?? "*"], status: .created)
        }
        router.delete("/users/:name/grants") { request, context in
            let principal = try context.parameters.require("name")
            let role = try Self.role(request.uri.queryParameters.get("role") ?? "")
            let scope = request.uri.queryParameters.get("scope") ?? "*"
            guard try await store.revoke(role, on: scope, from: principal) else {
                throw Problem.notFound("\(principal) holds no \(role.rawValue) grant on \(scope)")
            }
            return Response(status: .noContent)
        }
        router.post("/users/:name/tokens") { request, context in
            let name = try context.parameters.require("name")
            let wanted: NewToken = try await AuthRoutes.decode(request, upTo: maximumBody)
            let issued = try await Self.refusingBadInput {
                try await store.issueToken(for: name, label: wanted.label ?? "", lifetime: wanted.lifetime.map { .seconds($0) })
            }
            return try json(AuthRoutes.describe(issued), status: .created)
        }
        router.delete("/users/:name/tokens") { _, context in
            let revoked = try await store.revokeTokens(of: try context.parameters.require("name"))
            return try json(["revoked": revoked])
        }
    }

    static func role(_ name: String) throws -> Role {
        guard let role = Role(rawValue: name) else {
            throw Problem.badRequest("role must be one of \(Role.allCases.map(\.rawValue).joined(separator: ", ")), not \(name)")
        }
        return role
    }

    static func refusingBadInput<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as AccessError {
            throw Problem.badRequest(error.description)
        }
    }
}

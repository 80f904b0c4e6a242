import Access
import Foundation
import Hummingbird

/// Signing in and out: `POST /auth/login` (`{"name","password"}`) answers a bearer token,
/// `POST /auth/logout` revokes the token it carries, `GET /auth/me` says who the token stands for.
struct AuthRoutes: Sendable {
    let store: AccessStore
    let audit: AuditTrail
    let maximumBody: Int

    struct Login: Decodable {
        var name: String
        var password: String
    }

    func addRoutes(to router: Router<some RequestContext>) {
        router.post("/auth/login") { request, context in
            let login: Login = try await Self.decode(request, upTo: maximumBody)
            do {
                let issued = try await store.login(name: login.name, password: login.password)
                await audit.login(request, context: context, name: login.name, status: .ok, reason: nil)
                return try json(Self.describe(issued))
            } catch let refusal as AccessStore.Refusal {
                let problem = Problem.unauthorized(Problem.reason(refusal))
                await audit.login(request, context: context, name: login.name, status: .unauthorized, reason: problem.detail)
                throw problem
            }
        }
        router.post("/auth/logout") { request, _ in
            if let token = Self.bearer(request) { try await store.revoke(token: token) }
            return Response(status: .noContent)
        }
        router.get("/auth/me") { _, _ in
            try json(Self.describe(Caller.current))
        }
    }

    static func describe(_ issued: AccessStore.IssuedToken) -> [String: any Sendable] {
        var body: [String: any Sendable] = ["access_token": issued.token, "token_type": "Bearer"]
        if let expiresAt = issued.expiresAt {
            body["expires_at"] = ISO8601DateFormatter().string(from: expiresAt)
            body["expires_in"] = max(0, Int(expiresAt.timeIntervalSinceNow))
        }
        return body
    }

    static func describe(_ caller: Caller) -> [String: any Sendable] {
        [
            "name": caller.name ?? "", "clearance": caller.clearance.description, "roles": caller.roles,
            "grants": caller.grants.map { ["role": $0.role.rawValue, "scope": $0.scope] },
        ]
    }

    /// The token of an `Authorization: Bearer …` header.
    static func bearer(_ request: Request) -> String? {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else { return nil }
        return header.dropFirst(7).trimmingCharacters(in: .whitespaces)
    }

    static func decode<T: Decodable>(_ request: Request, upTo limit: Int) async throws -> T {
        let body = try await request.body.collect(upTo: limit)
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer: body))
        } catch {
            throw Problem.badRequest("the body must be a JSON object: \(error)")
        }
    }
}

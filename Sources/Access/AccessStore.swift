import Database
import Foundation
import Logging
import PostgresNIO
import Synchronization

/// Users, groups, grants and tokens, kept in PostgreSQL (migration 17): who a bearer token belongs
/// to and what they may do. Tokens are stored as SHA-256 digests only; a resolved token is cached
/// for a few seconds, so a request costs no query, and a revocation through this process takes
/// effect at once (through another process, within ``cacheLifetime``).
public final class AccessStore: Sendable {
    /// Why a token or a login was refused.
    public enum Refusal: Error, Sendable, Equatable {
        case unknownToken, expired, revoked, wrongPassword, disabled
    }

    /// A user as `users list` and the API show them.
    public struct User: Sendable, Codable, Equatable {
        public var name: String
        public var clearance: String
        public var kind: String
        public var groups: [String]
        public var grants: [Grant]
        public var disabled: Bool
    }

    /// A token handed out: the secret (shown once) and when it stops working.
    public struct IssuedToken: Sendable {
        public var token: String
        public var expiresAt: Date?
    }

    public let client: PostgresClient
    /// bcrypt's log2 rounds for new password hashes.
    public let passwordCost: UInt8
    public let cacheLifetime: Duration
    private let logger: Logger
    private let cache = Mutex<[String: (caller: Caller, expiresAt: Date?, fetched: ContinuousClock.Instant)]>([:])

    public init(client: PostgresClient, passwordCost: UInt8 = 11, cacheLifetime: Duration = .seconds(5), logger: Logger) {
        self.client = client
        self.passwordCost = passwordCost
        self.cacheLifetime = cacheLifetime
        self.logger = logger
    }

    // MARK: Tokens

    /// The caller a bearer token stands for.
    public func authenticate(token: String) async throws -> Caller {
        let digest = Self.hex(Secrets.digest(token))
        let now = ContinuousClock.now
        if let cached = cache.withLock({ $0[digest] }), now - cached.fetched < cacheLifetime {
            if let expiresAt = cached.expiresAt, expiresAt <= Date() { throw Refusal.expired }
            return cached.caller
        }
        let rows = try await client.rows(
            """
            SELECT t.user_name, t.expires_at, t.revoked_at IS NOT NULL, u.disabled, u.clearance
            FROM access_tokens t JOIN access_users u ON u.name = t.user_name WHERE t.digest = \(digest)
            """, logger: logger)
        guard let row = rows.first else { throw Refusal.unknownToken }
        let (name, expiresAt, revoked, disabled, clearance) = try row.decode((String, Date?, Bool, Bool, String).self)
        if revoked { throw Refusal.revoked }
        if disabled { throw Refusal.disabled }
        if let expiresAt, expiresAt <= Date() { throw Refusal.expired }
        let caller = Caller(name: name, clearance: Clearance(name: clearance) ?? .public, grants: try await grants(of: name))
        cache.withLock { entries in
            if entries.count > 10_000 { entries.removeAll() }
            entries[digest] = (caller, expiresAt, now)
        }
        return caller
    }

    /// Checks a user's password and issues a session token valid for `lifetime`.
    public func login(name: String, password: String, lifetime: Duration = .seconds(12 * 3_600)) async throws -> IssuedToken {
        let rows = try await client.rows("SELECT password_hash, disabled FROM access_users WHERE name = \(name)", logger: logger)
        // An unknown user costs a hash check too, so timing does not tell which names exist.
        let (hash, disabled) = try rows.first?.decode((String?, Bool).self) ?? (nil, false)
        let matches = await Secrets.verify(password: password, hash: hash ?? Self.decoyHash)
        guard matches, hash != nil else { throw Refusal.wrongPassword }
        if disabled { throw Refusal.disabled }
        return try await issueToken(for: name, kind: "session", label: "login", lifetime: lifetime)
    }

    /// A new token of `name`: `session` (from a login) or `api-key` (for a machine), valid for
    /// `lifetime` (`nil`: until revoked).
    public func issueToken(for name: String, kind: String = "api-key", label: String = "", lifetime: Duration?) async throws -> IssuedToken {
        let token = Secrets.newToken()
        let expiresAt = lifetime.map { Date().addingTimeInterval(Double($0.components.seconds)) }
        let digest = Self.hex(Secrets.digest(token))
        let inserted = try await client.rows(
            """
            INSERT INTO access_tokens (digest, user_name, kind, label, expires_at)
            SELECT \(digest), name, \(kind), \(label), \(expiresAt) FROM access_users WHERE name = \(name) RETURNING digest
            """, logger: logger)
        guard !inserted.isEmpty else { throw AccessError("no user \(name)") }
        return IssuedToken(token: token, expiresAt: expiresAt)
    }

    /// Revokes one token (a logout); revoking an unknown token does nothing.
    public func revoke(token: String) async throws {
        let digest = Self.hex(Secrets.digest(token))
        try await client.query("UPDATE access_tokens SET revoked_at = now() WHERE digest = \(digest) AND revoked_at IS NULL", logger: logger)
        _ = cache.withLock { $0.removeValue(forKey: digest) }
    }

    /// Revokes every token of a user; returns how many.
    @discardableResult
    public func revokeTokens(of name: String) async throws -> Int {
        let rows = try await client.rows(
            "UPDATE access_tokens SET revoked_at = now() WHERE user_name = \(name) AND revoked_at IS NULL RETURNING digest", logger: logger)
        cache.withLock { $0.removeAll() }
        return rows.count
    }

    // MARK: Users, groups, grants

    /// Creates a user (`kind` person or machine); with no password, one is generated and returned.
    @discardableResult
    public func addUser(
        _ name: String, password: String? = nil, clearance: Clearance = .public, kind: String = "person", groups: [String] = []
    ) async throws -> String {
        guard Self.isValidName(name) else { throw AccessError("user names are 1–64 letters, digits, '.', '_' or '-', not \(name)") }
        let secret = password ?? Secrets.newPassword()
        let hash = await Secrets.hash(password: secret, cost: passwordCost)
        let inserted = try await client.rows(
            """
            INSERT INTO access_users (name, password_hash, clearance, kind) VALUES (\(name), \(hash), \(clearance.description), \(kind))
            ON CONFLICT (name) DO NOTHING RETURNING name
            """, logger: logger)
        guard !inserted.isEmpty else { throw AccessError("user \(name) exists") }
        for group in groups { try await addMember(name, to: group) }
        return secret
    }

    /// Sets a user's clearance.
    public func setClearance(_ name: String, _ clearance: Clearance) async throws {
        let rows = try await client.rows(
            "UPDATE access_users SET clearance = \(clearance.description) WHERE name = \(name) RETURNING name", logger: logger)
        guard !rows.isEmpty else { throw AccessError("no user \(name)") }
        cache.withLock { $0.removeAll() }
    }

    /// Adds a user to a group (grants to `group:<name>` apply to its members).
    public func addMember(_ name: String, to group: String) async throws {
        guard Self.isValidName(group) else { throw AccessError("group names are 1–64 letters, digits, '.', '_' or '-', not \(group)") }
        try await client.query(
            "INSERT INTO access_group_members (group_name, user_name) VALUES (\(group), \(name)) ON CONFLICT DO NOTHING", logger: logger)
        cache.withLock { $0.removeAll() }
    }

    /// Grants `role` on `scope` to a principal: a user name, or `group:<name>`.
    public func grant(_ role: Role, on scope: String, to principal: String) async throws {
        try await client.query(
            "INSERT INTO access_grants (principal, role, scope) VALUES (\(principal), \(role.rawValue), \(scope)) ON CONFLICT DO NOTHING",
            logger: logger)
        cache.withLock { $0.removeAll() }
    }

    /// Withdraws a grant; returns whether there was one.
    @discardableResult
    public func revoke(_ role: Role, on scope: String, from principal: String) async throws -> Bool {
        let rows = try await client.rows(
            "DELETE FROM access_grants WHERE principal = \(principal) AND role = \(role.rawValue) AND scope = \(scope) RETURNING principal",
            logger: logger)
        cache.withLock { $0.removeAll() }
        return !rows.isEmpty
    }

    /// Every user with their groups and grants (their own and their groups').
    public func users() async throws -> [User] {
        let rows = try await client.rows(
            """
            SELECT u.name, u.clearance, u.kind, u.disabled,
                coalesce(array_agg(m.group_name ORDER BY m.group_name) FILTER (WHERE m.group_name IS NOT NULL), '{}')
            FROM access_users u LEFT JOIN access_group_members m ON m.user_name = u.name GROUP BY u.name ORDER BY u.name
            """, logger: logger)
        var users: [User] = []
        for row in rows {
            let (name, clearance, kind, disabled, groups) = try row.decode((String, String, String, Bool, [String]).self)
            users.append(User(name: name, clearance: clearance, kind: kind, groups: groups, grants: try await grants(of: name), disabled: disabled))
        }
        return users
    }

    /// Whether any user exists (the first start creates an administrator when none does).
    public func hasUsers() async throws -> Bool {
        try await !client.rows("SELECT 1 FROM access_users LIMIT 1", logger: logger).isEmpty
    }

    /// Creates `admin` with a generated password and the admin role everywhere when there are no
    /// users yet; returns the password to show once, or `nil` when users exist.
    public func bootstrapAdministrator() async throws -> String? {
        guard try await !hasUsers() else { return nil }
        let password = try await addUser("admin", clearance: .classified)
        try await grant(.admin, on: "*", to: "admin")
        return password
    }

    private func grants(of name: String) async throws -> [Grant] {
        let rows = try await client.rows(
            """
            SELECT role, scope FROM access_grants WHERE principal = \(name)
                OR principal IN (SELECT 'group:' || group_name FROM access_group_members WHERE user_name = \(name))
            ORDER BY role, scope
            """, logger: logger)
        return try rows.compactMap { row in
            let (role, scope) = try row.decode((String, String).self)
            return Role(rawValue: role).map { Grant(role: $0, scope: scope) }
        }
    }

    static func isValidName(_ name: String) -> Bool {
        (1...64).contains(name.count) && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }
    }

    /// Lower-case hexadecimal, as the database keeps digests. (Every request with a token computes
    /// one; `String(format:)` per byte cost 4 % of a bbox query's CPU.)
    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        return String(unsafeUninitializedCapacity: bytes.count * 2) { buffer in
            for (index, byte) in bytes.enumerated() {
                buffer[2 * index] = digits[Int(byte >> 4)]
                buffer[2 * index + 1] = digits[Int(byte & 0x0f)]
            }
            return bytes.count * 2
        }
    }

    /// A bcrypt hash of nothing anyone knows, checked when a login names an unknown user.
    private static let decoyHash = "$2b$11$C6UzMDM.H6dfI/f/IKxGhuZ1kK9DCpgvc2pCaJbdE9dmUC9B46VQq"
}

/// A refused administrative request (unknown user, bad name, a duplicate).
public struct AccessError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

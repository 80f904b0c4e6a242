import Foundation
import Kafka

extension Topics {
    /// The audit trail: every write, login, read of non-public data and refused request (`audit.recorded`).
    public static let audit = "audit"
}

/// One entry of the audit trail: who (user, roles, clearance, client address) did what (method,
/// route, path and query, collections), when, and with what result (status, outcome, bytes
/// answered). The audit projection chains each entry to the one before it by a SHA-256 hash.
public struct AuditRecord: Codable, Sendable, Equatable {
    public static let type = "audit.recorded"
    public static let schema = "shikong/audit.recorded/1"

    public var id: UUID
    public var at: Date
    /// The user name; `nil` for an anonymous caller.
    public var user: String?
    public var roles: [String]
    public var clearance: String
    /// `METHOD /route/{parameter}` (the route's template), or `login`.
    public var action: String
    public var method: String
    /// The path and query as requested.
    public var target: String
    /// The collections the request named.
    public var collections: [String]
    public var status: Int
    /// `allowed`, `denied` or `failed`.
    public var outcome: String
    /// The client's address as the server saw it (or as `X-Forwarded-For` gave it).
    public var client: String?
    /// Bytes answered, when known before streaming.
    public var resultBytes: Int?
    /// Why it was refused, for denied requests.
    public var reason: String?

    public init(
        id: UUID = EventIDGenerator.shared.next(), at: Date = Date(), user: String?, roles: [String], clearance: String, action: String,
        method: String, target: String, collections: [String], status: Int, outcome: String, client: String?, resultBytes: Int? = nil,
        reason: String? = nil
    ) {
        self.id = id
        self.at = at
        self.user = user
        self.roles = roles
        self.clearance = clearance
        self.action = action
        self.method = method
        self.target = target
        self.collections = collections
        self.status = status
        self.outcome = outcome
        self.client = client
        self.resultBytes = resultBytes
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey {
        case id, at, user, roles, clearance, action, method, target, collections, status, outcome, client, reason
        case resultBytes = "result_bytes"
    }

    /// The Kafka record, keyed by the user (one user's entries stay in order).
    public func record(topic: String = Topics.audit) throws -> OutgoingRecord {
        let metadata = EventMetadata(
            id: id, type: Self.type, subject: "user:\(user ?? "anonymous")", source: "api", occurredAt: at, recordedAt: at, schema: Self.schema)
        return metadata.record(topic: topic, value: try EventJSON.encoder().encode(self))
    }
}

import Crypto
import Foundation
import Logging
import PostgresNIO

/// Checks the audit log's hash chain: each row's `previous_hash` is the hash of the row before it,
/// its `hash` is SHA-256 of that and its `record`, and its indexed columns agree with the record.
public struct AuditChain: Sendable {
    /// The verdict: how many rows were checked, and the first that does not fit (with why).
    public struct Report: Sendable {
        public var checked: Int
        public var broken: (seq: Int64, id: UUID, reason: String)?
    }

    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func verify() async throws -> Report {
        var previous = ""
        var checked = 0
        var after: Int64 = 0
        let decoder = JSONDecoder()
        while true {
            let rows = try await client.query(
                """
                SELECT seq, id, user_name, action, status, record, previous_hash, hash FROM audit_log
                WHERE seq > \(after) ORDER BY seq LIMIT 5000
                """, logger: logger)
            var count = 0
            for try await (seq, id, user, action, status, record, previousHash, hash) in rows.decode(
                (Int64, UUID, String?, String, Int, String, String, String).self)
            {
                count += 1
                after = seq
                let expected = SHA256.hash(data: Data((previous + record).utf8)).map { String(format: "%02x", $0) }.joined()
                if previousHash != previous {
                    return Report(checked: checked, broken: (seq, id, "its previous hash is not the hash of the row before it"))
                }
                if hash != expected { return Report(checked: checked, broken: (seq, id, "its record does not match its hash (altered)")) }
                struct Indexed: Decodable {
                    var id: UUID
                    var user: String?
                    var action: String
                    var status: Int
                }
                guard let indexed = try? decoder.decode(Indexed.self, from: Data(record.utf8)),
                    indexed.id == id, indexed.user == user, indexed.action == action, indexed.status == status
                else {
                    return Report(checked: checked, broken: (seq, id, "its columns differ from its record (altered)"))
                }
                previous = hash
                checked += 1
            }
            if count < 5000 { return Report(checked: checked, broken: nil) }
        }
    }
}

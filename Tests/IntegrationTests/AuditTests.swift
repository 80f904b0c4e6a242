import Access
import Foundation
import PostgresNIO
import ShikongTesting
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The audit trail: writes, logins, reads of non-public data and refused requests become entries of
/// the `audit` collection that only auditors read (filterable, exportable), and `shikong audit
/// verify` proves the hash chain, or names the row that was altered.
@Suite("Audit trail", .serialized)
struct AuditTests {
    @Test("writes, logins, classified reads and refusals are audited; auditors alone read them; the chain verifies and names an altered row")
    func trail() async throws {
        let platform = try await TestPlatform.shared()
        let marker = UUID().uuidString.prefix(8).lowercased()
        let secret = "audited_\(marker)"
        let user = "audit-user-\(marker)"

        // A write, a read of classified data, a refusal, a login and a failed login.
        let registered = try await platform.post("/collections", body: #"{"id":"\#(secret)","classification":"classified"}"#)
        #expect(registered.status == 202)
        _ = try await platform.poll("/collections/\(secret)") { $0["id"] as? String == secret }
        #expect(try await platform.get("/collections/\(secret)/items").status == 200)
        #expect(try await platform.get("/collections/\(secret)/items", token: .anonymous).status == 404)
        _ = try await platform.makeUser(user, clearance: .government, grants: [Grant(role: .viewer)])
        let login = try await platform.post("/auth/login", body: #"{"name":"\#(user)","password":"\#(user)-password"}"#, token: .anonymous)
        #expect(login.status == 200 && (login.json["access_token"] as? String)?.hasPrefix("shk_") == true, "\(login.json)")
        let wrong = try await platform.post("/auth/login", body: #"{"name":"\#(user)","password":"wrong"}"#, token: .anonymous)
        #expect(wrong.status == 401)
        let me = try await platform.get("/auth/me", token: .bearer(login.json["access_token"] as? String ?? ""))
        #expect(me.json["name"] as? String == user && me.json["clearance"] as? String == "government", "\(me.json)")

        // Auditors read the trail, by collection and by user; others may not.
        let auditor = try await platform.makeUser("auditor-\(marker)", clearance: .classified, grants: [Grant(role: .auditor)])
        let viewer = try await platform.makeUser("viewer-\(marker)", clearance: .classified, grants: [Grant(role: .viewer)])
        let byCollection = try await platform.poll("/collections/audit/items?collection=\(secret)&limit=100", timeout: .seconds(60)) { answer in
            let outcomes = Self.properties(answer).compactMap { $0["outcome"] as? String }
            return outcomes.contains("denied") && outcomes.filter { $0 == "allowed" }.count >= 2
        }
        let entries = Self.properties(byCollection)
        #expect(entries.contains { $0["outcome"] as? String == "denied" && $0["status"] as? Int == 404 && $0["user"] == nil }, "\(entries)")
        #expect(entries.contains { $0["action"] as? String == "GET /collections/{collection}/items" && $0["user"] as? String == "test-admin" })
        #expect(entries.allSatisfy { ($0["hash"] as? String)?.count == 64 })
        _ = try await platform.get("/collections/audit/items", token: .bearer(auditor))
        let logins = Self.properties(
            try await platform.poll("/collections/audit/items?user=\(user)&limit=10", timeout: .seconds(30)) { Self.properties($0).count >= 2 })
        #expect(Set(logins.compactMap { $0["outcome"] as? String }) == ["allowed", "denied"], "\(logins)")
        #expect(try await platform.get("/collections/audit/items", token: .bearer(auditor)).status == 200)
        #expect(try await platform.get("/collections/audit/items", token: .bearer(viewer)).status == 403)
        #expect(try await platform.get("/collections/audit/items", token: .anonymous).status == 404)
        var export = URLRequest(url: URL(string: platform.baseURL + "/collections/audit/items?f=csv&collection=\(secret)")!)
        try await platform.authorize(&export, .bearer(auditor))
        let (csv, _) = try await URLSession.shared.data(for: export)
        #expect(String(decoding: csv, as: UTF8.self).contains("GET /collections/{collection}/items"))

        // The chain verifies; an altered row is named; put back, it verifies again.
        let intact = try await runCLI(["audit", "verify"], platform: platform)
        #expect(intact.status == 0 && intact.output.contains("intact"), "\(intact.output)")
        let seq = try await platform.count("SELECT seq::int FROM audit_log WHERE collections[1] = \(secret) AND outcome = 'denied' LIMIT 1")
        _ = try await platform.withDatabase { client in
            try await client.query(
                "UPDATE audit_log SET record = replace(record, '\"status\":404', '\"status\":200') WHERE seq = \(seq)", logger: .init(label: "t"))
        }
        let altered = try await runCLI(["audit", "verify"], platform: platform)
        #expect(altered.status != 0 && altered.output.contains("row \(seq)"), "\(altered.output)")
        _ = try await platform.withDatabase { client in
            try await client.query(
                "UPDATE audit_log SET record = replace(record, '\"status\":200', '\"status\":404') WHERE seq = \(seq)", logger: .init(label: "t"))
        }
        #expect(try await runCLI(["audit", "verify"], platform: platform).status == 0)
    }

    static func properties(_ answer: [String: Any]) -> [[String: Any]] {
        (answer["features"] as? [[String: Any]] ?? []).compactMap { $0["properties"] as? [String: Any] }
    }
}

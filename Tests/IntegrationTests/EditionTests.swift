import Foundation
import ShikongTesting
import Testing

/// Editions of a dataset: a new edition under a new file name is compared with the collection's
/// source and retires what it no longer holds; a named source is compared only with itself.
@Suite("Editions of a dataset", .serialized)
struct EditionTests {
    static func upload(_ platform: TestPlatform, collection: String, file: String, csv: String, source: String? = nil) async throws -> [String: Any] {
        let query = "collection=\(collection)&filename=\(file)&id_field=code" + (source.map { "&source=\($0)" } ?? "")
        let answer = try await platform.request("POST", "/imports?\(query)", text: csv)
        #expect(answer.status == 202, "\(answer.json)")
        let id = try #require(answer.json["id"] as? String)
        return try await platform.poll("/imports/\(id)") { $0["status"] as? String == "completed" }
    }

    @Test("two editions under different file names into one collection: the second retires what it no longer holds")
    func editions() async throws {
        let platform = try await TestPlatform.shared()
        let name = "parcels_\(UUID().uuidString.prefix(6).lowercased())"
        let first = try await Self.upload(
            platform, collection: name, file: "parcels_2025.csv",
            csv: "code,lon,lat,owner\nA,114.30,30.55,张\nB,114.31,30.55,李\nC,114.32,30.55,王\n")
        #expect(first["counts"] as? [String: Int] == ["read": 3, "upserted": 3, "unchanged": 0, "retired": 0, "failed": 0])
        #expect(try await platform.waitForCount("SELECT count(*)::int FROM entity_current WHERE collection = \(name)") { $0 == 3 } == 3)

        let second = try await Self.upload(
            platform, collection: name, file: "parcels_2026.csv", csv: "code,lon,lat,owner\nA,114.30,30.55,张\nB,114.31,30.55,赵\nD,114.33,30.55,刘\n")
        #expect(second["counts"] as? [String: Int] == ["read": 3, "upserted": 2, "unchanged": 1, "retired": 1, "failed": 0])
        let summary = second["message"] as? String ?? ""
        #expect(summary.contains("compared parcels_2026.csv with the 3 entities of source \(name) (the collection)"), "\(summary)")
        // The count alone would be 3 before the projection saw anything (A, B, C) as well as after (A, B, D):
        // wait until D is there and C is not (1 only then; 0 before, or with both).
        let retiredAndAdded = try await platform.waitForCount(
            "SELECT (count(*) FILTER (WHERE entity_id = 'D') - count(*) FILTER (WHERE entity_id = 'C'))::int FROM entity_current WHERE collection = \(name)"
        ) { $0 == 1 }
        #expect(retiredAndAdded == 1)
        #expect(try await platform.waitForCount("SELECT count(*)::int FROM entity_current WHERE collection = \(name)") { $0 == 3 } == 3)
        #expect(try await platform.request("GET", "/collections/\(name)/items/C").status == 404)

        // Another source feeding the same collection is compared only with itself, and leaves these alone.
        let other = try await Self.upload(
            platform, collection: name, file: "survey.csv", csv: "code,lon,lat,owner\nS1,114.34,30.55,孙\n", source: "survey")
        #expect(other["counts"] as? [String: Int] == ["read": 1, "upserted": 1, "unchanged": 0, "retired": 0, "failed": 0])
        #expect((other["message"] as? String ?? "").contains("3 entities of other sources left as they are"), "\(other)")
        let third = try await Self.upload(platform, collection: name, file: "parcels_2027.csv", csv: "code,lon,lat,owner\nA,114.30,30.55,张\n")
        #expect((third["counts"] as? [String: Int])?["retired"] == 2)
        #expect(try await platform.waitForCount("SELECT count(*)::int FROM entity_current WHERE collection = \(name)") { $0 == 2 } == 2)
        #expect(try await platform.request("GET", "/collections/\(name)/items/S1").status == 200)
    }
}

import Events
import Foundation
import PostgresNIO
import ShikongTesting
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// OGC API Features Part 4 on an entity collection: create, replace, patch and delete become entity
/// events with the editor as their source, under optimistic locking; history, as-of and diff show them.
@Suite("Feature editing as events", .serialized)
struct FeatureEditTests {
    static func collection(_ platform: TestPlatform) async throws -> String {
        let name = "edits_\(UUID().uuidString.prefix(6).lowercased())"
        let registered = try await platform.request("POST", "/collections", json: ["id": name, "title": "Edited buildings", "theme": "buildings"])
        #expect(registered.status == 202)
        _ = try await platform.poll("/collections/\(name)", timeout: .seconds(20)) { $0["id"] as? String == name }
        return name
    }

    static func feature(_ id: String, _ lon: Double, _ lat: Double, _ properties: [String: Any]) -> [String: Any] {
        ["type": "Feature", "id": id, "geometry": ["type": "Point", "coordinates": [lon, lat]], "properties": properties]
    }

    @Test("create, replace, patch and delete show in history, as-of and diff, each with its editor")
    func editsAreEvents() async throws {
        let platform = try await TestPlatform.shared()
        let name = try await Self.collection(platform)
        let created = try await platform.request(
            "POST", "/collections/\(name)/items", json: Self.feature("b-1", 114.30, 30.55, ["floors": 5, "use": "office"]),
            headers: ["Shikong-Editor": "alice"])
        #expect(created.status == 201, "\(created.json)")
        #expect(created.header("ETag") == "\"1\"")
        #expect(created.header("Location")?.hasSuffix("/collections/\(name)/items/b-1") == true)
        let afterCreate = Date()
        try await Task.sleep(for: .milliseconds(50))

        let read = try await platform.request("GET", "/collections/\(name)/items/b-1")
        #expect(read.header("ETag") == "\"1\"")

        let replaced = try await platform.request(
            "PUT", "/collections/\(name)/items/b-1", json: Self.feature("b-1", 114.31, 30.56, ["floors": 6, "use": "office"]),
            headers: ["Shikong-Editor": "bob", "If-Match": "\"1\""])
        #expect(replaced.status == 200, "\(replaced.json)")
        let replacedTag = try #require(replaced.header("ETag"))
        #expect(replacedTag != "\"1\"")
        let afterReplace = Date()
        try await Task.sleep(for: .milliseconds(50))

        let patched = try await platform.request(
            "PATCH", "/collections/\(name)/items/b-1", json: ["properties": ["floors": 7, "use": NSNull(), "name": "华中大楼"]],
            headers: ["Shikong-Editor": "carol", "If-Match": replacedTag])
        #expect(patched.status == 200, "\(patched.json)")
        let properties = try #require(patched.json["properties"] as? [String: Any])
        #expect(properties["floors"] as? Int == 7 && properties["use"] == nil && properties["name"] as? String == "华中大楼")
        let coordinates = (patched.json["geometry"] as? [String: Any])?["coordinates"] as? [Double]
        #expect(coordinates.map { abs($0[0] - 114.31) < 1e-9 } == true, "a patch without a geometry keeps it")

        let asOf = try await platform.get("/collections/\(name)/items/b-1?as_of=\(Timestamp.format(afterCreate))")
        #expect((asOf.json["properties"] as? [String: Any])?["floors"] as? Int == 5)
        let diff = try await platform.get("/collections/\(name)/diff?from=\(Timestamp.format(afterCreate))&to=\(Timestamp.format(afterReplace))").json
        #expect((diff["summary"] as? [String: Any])?["changed"] as? Int == 1, "\(diff)")

        let tag = try #require(patched.header("ETag"))
        let deleted = try await platform.request(
            "DELETE", "/collections/\(name)/items/b-1", headers: ["Shikong-Editor": "dave", "If-Match": tag])
        #expect(deleted.status == 204)
        #expect(try await platform.request("GET", "/collections/\(name)/items/b-1").status == 404)

        let history = try await platform.get("/collections/\(name)/items/b-1/history").json["features"] as? [[String: Any]] ?? []
        let versions = history.compactMap { $0["properties"] as? [String: Any] }
        #expect(versions.map { $0["source"] as? String ?? "" } == ["user:alice", "user:bob", "user:carol", "user:dave"])
        #expect(versions.last?["retired"] as? Bool == true)
    }

    @Test("without If-Match a change is refused (428); with a stale one it is refused (412) and nothing changes")
    func optimisticLocking() async throws {
        let platform = try await TestPlatform.shared()
        let name = try await Self.collection(platform)
        let created = try await platform.request("POST", "/collections/\(name)/items", json: Self.feature("p-1", 114.2, 30.5, ["n": 1]))
        #expect(created.status == 201)
        let changed = try await platform.request(
            "PATCH", "/collections/\(name)/items/p-1", json: ["properties": ["n": 2]], headers: ["If-Match": "\"1\""])
        #expect(changed.status == 200)
        // A change keeps the part of the old version before it as a version of its own (bitemporal), so count rather than guess.
        let versions: PostgresQuery = "SELECT count(*)::int FROM entity_versions WHERE collection = \(name) AND entity_id = 'p-1'"
        let before = try await platform.count(versions)

        let missing = try await platform.request("PUT", "/collections/\(name)/items/p-1", json: Self.feature("p-1", 114.2, 30.5, ["n": 9]))
        #expect(missing.status == 428 && missing.header("Content-Type") == "application/problem+json")
        let stale = try await platform.request(
            "PUT", "/collections/\(name)/items/p-1", json: Self.feature("p-1", 114.2, 30.5, ["n": 9]), headers: ["If-Match": "\"1\""])
        #expect(stale.status == 412, "\(stale.json)")
        #expect(try await platform.request("DELETE", "/collections/\(name)/items/p-1", headers: ["If-Match": "\"1\""]).status == 412)
        try await Task.sleep(for: .seconds(1))
        let now = try await platform.request("GET", "/collections/\(name)/items/p-1")
        #expect((now.json["properties"] as? [String: Any])?["n"] as? Int == 2)
        #expect(now.header("ETag") == changed.header("ETag"))
        #expect(try await platform.count(versions) == before)
    }

    @Test("edits are checked like imported rows; only entity collections take them")
    func validation() async throws {
        let platform = try await TestPlatform.shared()
        let name = try await Self.collection(platform)
        let outside = try await platform.request("POST", "/collections/\(name)/items", json: Self.feature("far", 2.35, 48.85, [:]))
        #expect(outside.status == 422 && (outside.json["detail"] as? String ?? "").contains("service area"), "\(outside.json)")
        let nested = try await platform.request("POST", "/collections/\(name)/items", json: Self.feature("n", 114.2, 30.5, ["a": ["b": 1]]))
        #expect(nested.status == 400)
        let noGeometry = try await platform.request(
            "POST", "/collections/\(name)/items", json: ["type": "Feature", "properties": [:] as [String: Any]])
        #expect(noGeometry.status == 400)
        let sensors = try await platform.request("POST", "/collections/sensors/items", json: Self.feature("s", 114.2, 30.5, [:]))
        #expect(sensors.status == 405)
        let duplicate = try await platform.request("POST", "/collections/\(name)/items", json: Self.feature("d", 114.2, 30.5, [:]))
        #expect(duplicate.status == 201)
        #expect(try await platform.request("POST", "/collections/\(name)/items", json: Self.feature("d", 114.2, 30.5, [:])).status == 409)
        // A geometry in a Gauss-Krüger zone (Content-Crs), northing first as EPSG:4547 defines it.
        let projected = try await platform.request(
            "POST", "/collections/\(name)/items",
            json: [
                "type": "Feature", "id": "gk", "geometry": ["type": "Point", "coordinates": [3_380_000.0, 500_000.0]],
                "properties": [:] as [String: Any],
            ],
            headers: ["Content-Crs": "<http://www.opengis.net/def/crs/EPSG/0/4547>"])
        #expect(projected.status == 201, "\(projected.json)")
        let point = (projected.json["geometry"] as? [String: Any])?["coordinates"] as? [Double] ?? []
        #expect(point.count == 2 && abs(point[0] - 114.0) < 0.01 && abs(point[1] - 30.5) < 0.1, "\(point)")
        let conformance = try await platform.get("/conformance").json["conformsTo"] as? [String] ?? []
        #expect(conformance.contains("http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/create-replace-delete"))
        #expect(conformance.contains("http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/optimistic-locking-etags"))
    }
}

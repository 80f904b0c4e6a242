import Foundation
import PostgresNIO
import ShikongTesting
import Testing

/// Indexed queryables: `PATCH /collections/{c}` with `indexed` makes the projection stage build a
/// (value, geometry) index for that collection, a filter on the property with a bbox answers the
/// same features through it, and taking the property out of the list drops the index.
@Suite("Indexed queryables", .serialized)
struct QueryableIndexTests {
    static func indexes(_ platform: TestPlatform, _ collection: String) -> PostgresQuery {
        """
        SELECT count(*)::int FROM pg_indexes
        WHERE tablename = 'entity_current' AND indexname LIKE 'entity_current_q\\_%' AND indexdef LIKE '%' || \(collection) || '%'
        """
    }

    @Test("an indexed queryable gets an index that answers filters with a bbox, and loses it when taken out")
    func indexedQueryable() async throws {
        let platform = try await TestPlatform.shared()
        let name = "indexed_\(UUID().uuidString.prefix(6).lowercased())"
        let places = FeatureAPITests.places
        try await FeatureAPITests.importPlaces(places, into: name, platform: platform)
        _ = try await platform.poll("/collections/\(name)/items?limit=100") { FeatureAPITests.ids($0).count == places.count }

        let patched = try await CatalogueTests.send(platform, "PATCH", "/collections/\(name)", body: #"{"indexed":["kind","floors"]}"#)
        #expect(patched.status == 202, "\(patched.json)")
        #expect(try await platform.waitForCount(Self.indexes(platform, name), timeout: .seconds(60)) { $0 == 2 } == 2)
        let definitions = try await platform.withDatabase { client in
            try await client.query(
                "SELECT indexdef FROM pg_indexes WHERE tablename = 'entity_current' AND indexdef LIKE '%' || \(name) || '%'",
                logger: Logger(label: "test")
            ).decode(String.self).reduce(into: [String]()) { $0.append($1) }
        }
        #expect(definitions.allSatisfy { $0.contains("USING gist") && $0.contains("geom") }, "\(definitions)")

        // The filter, answered with the index in place, matches what the places say.
        let filter = "kind = 'school' AND S_INTERSECTS(geometry, BBOX(114.19, 30.49, 114.31, 30.61))"
        let query = filter.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        let answered = try await platform.get("/collections/\(name)/items?filter=\(query)&limit=100")
        let expected = places.filter { $0.kind == "school" && $0.lon <= 114.31 && $0.lat <= 30.61 }.map(\.code).sorted()
        #expect(answered.status == 200)
        #expect(FeatureAPITests.ids(answered.json).sorted() == expected)
        #expect(!expected.isEmpty)

        // A property that cannot be indexed (unknown) is left out; taking a property out drops its index.
        let narrowed = try await CatalogueTests.send(platform, "PATCH", "/collections/\(name)", body: #"{"indexed":["floors","nothing"]}"#)
        #expect(narrowed.status == 202)
        #expect(try await platform.waitForCount(Self.indexes(platform, name), timeout: .seconds(60)) { $0 == 1 } == 1)
        let cleared = try await CatalogueTests.send(platform, "PATCH", "/collections/\(name)", body: #"{"indexed":[]}"#)
        #expect(cleared.status == 202)
        #expect(try await platform.waitForCount(Self.indexes(platform, name), timeout: .seconds(60)) { $0 == 0 } == 0)
    }
}

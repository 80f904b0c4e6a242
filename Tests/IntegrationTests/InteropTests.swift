import Foundation
import ShikongTesting
import Testing

/// Real OGC API clients, unchanged: GDAL's OAPIF driver (ogrinfo, ogr2ogr) and OWSLib read the
/// collections, page through every feature, and apply bbox and attribute filters.
@Suite("OGC API clients", .serialized)
struct InteropTests {
    static func prepared() async throws -> (TestPlatform, String) {
        let platform = try await TestPlatform.shared()
        let name = "interop_\(UUID().uuidString.prefix(6).lowercased())"
        try await FeatureAPITests.importPlaces(FeatureAPITests.places, into: name, platform: platform, validFrom: "2026-01-01T00:00:00Z")
        _ = try await platform.poll("/collections/\(name)/items?limit=100") { FeatureAPITests.ids($0).count == FeatureAPITests.places.count }
        _ = try await platform.poll("/collections") { json in
            (json["collections"] as? [[String: Any]] ?? []).contains { $0["id"] as? String == name }
        }
        return (platform, name)
    }

    /// The features of a GeoJSON file ogr2ogr wrote.
    static func features(_ file: URL) throws -> [[String: Any]] {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any]
        return json?["features"] as? [[String: Any]] ?? []
    }

    static func codes(_ features: [[String: Any]]) -> [String] {
        features.compactMap { ($0["properties"] as? [String: Any])?["code"] as? String }.sorted()
    }

    @Test("GDAL's OAPIF driver lists collections, pages through all features, applies bbox and attribute filters")
    func gdal() async throws {
        let (platform, name) = try await Self.prepared()
        let places = FeatureAPITests.places
        let listed = try await runToolDetached("ogrinfo", ["-ro", "-q", "OAPIF:" + platform.baseURL])
        #expect(listed.status == 0, "\(listed.output)")
        #expect(listed.output.contains(name), "\(listed.output)")
        #expect(listed.output.contains("sensors"), "\(listed.output)")

        let directory = platform.dataDirectory.appendingPathComponent("interop-\(name)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        func copy(_ file: String, _ extra: [String]) async throws -> [[String: Any]] {
            let output = directory.appendingPathComponent(file)
            try? FileManager.default.removeItem(at: output)
            let run = try await runToolDetached(
                "ogr2ogr", ["-f", "GeoJSON", output.path, "OAPIF:" + platform.baseURL, name, "-oo", "PAGE_SIZE=10"] + extra,
                environment: ["CPL_DEBUG": "OFF"])
            #expect(run.status == 0, "\(run.output)")
            return try Self.features(output)
        }
        // Paging: four pages of ten, every feature once.
        let all = try await copy("all.geojson", [])
        #expect(Self.codes(all) == places.map(\.code).sorted())
        // bbox (-spat) and an attribute filter (-where), which GDAL sends to the server.
        let inBox = places.filter { (114.23...114.29).contains($0.lon) && (30.51...30.55).contains($0.lat) }.map(\.code).sorted()
        #expect(Self.codes(try await copy("box.geojson", ["-spat", "114.23", "30.51", "114.29", "30.55"])) == inBox)
        let parks = places.filter { $0.kind == "park" }.map(\.code).sorted()
        #expect(Self.codes(try await copy("parks.geojson", ["-where", "kind = 'park'"])) == parks)
        let tall = places.filter { $0.kind == "park" && $0.floors > 4 }.map(\.code).sorted()
        #expect(Self.codes(try await copy("tall.geojson", ["-where", "kind = 'park' AND floors > 4"])) == tall)
        let summary = try await runToolDetached("ogrinfo", ["-ro", "-so", "OAPIF:" + platform.baseURL, name])
        #expect(summary.output.contains("floors: Integer"), "\(summary.output)")
    }

    @Test("OWSLib's Features client reads collections, items and queryables, and sends a CQL2 filter form-encoded")
    func owslib() async throws {
        let (platform, name) = try await Self.prepared()
        let script = """
            import json, sys
            from owslib.ogcapi.features import Features
            api = Features(sys.argv[1])
            name = sys.argv[2]
            ids = [c["id"] for c in api.collections()["collections"]]
            collection = api.collection(name)
            first = api.collection_items(name, limit=10)
            everything = api.collection_items(name, limit=1000)
            parks = api.collection_items(name, limit=1000, kind="park")
            boxed = api.collection_items(name, limit=1000, bbox=[114.23, 30.51, 114.29, 30.55])
            queryables = api.collection_queryables(name)
            # requests form-encodes the filter: spaces arrive as '+'.
            filtered = api.collection_items(name, limit=1000, filter="name LIKE '地点1%' AND floors >= 0")
            one = api.collection_item(name, everything["features"][0]["id"])
            print(json.dumps({
                "collections": ids, "title": collection["title"],
                "first": len(first["features"]), "next": any(l["rel"] == "next" for l in first["links"]),
                "all": sorted(f["id"] for f in everything["features"]),
                "parks": sorted(f["id"] for f in parks["features"]),
                "boxed": sorted(f["id"] for f in boxed["features"]),
                "queryables": sorted(queryables["properties"].keys()),
                "filtered": sorted(f["id"] for f in filtered["features"]),
                "one": one["id"],
            }))
            """
        let run = try await runToolDetached(
            OpenAPITests.venv.appendingPathComponent("python").path, ["-c", script, platform.baseURL, name])
        #expect(run.status == 0, "\(run.output)")
        let line = run.output.split(separator: "\n").last.map(String.init) ?? ""
        let answer = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(run.output)")
        let places = FeatureAPITests.places
        #expect((answer["collections"] as? [String] ?? []).contains(name))
        #expect(answer["title"] as? String == name)
        #expect(answer["first"] as? Int == 10)
        #expect(answer["next"] as? Bool == true)
        #expect(answer["all"] as? [String] == places.map(\.code).sorted())
        #expect(answer["parks"] as? [String] == places.filter { $0.kind == "park" }.map(\.code).sorted())
        let inBox = places.filter { (114.23...114.29).contains($0.lon) && (30.51...30.55).contains($0.lat) }.map(\.code).sorted()
        #expect(answer["boxed"] as? [String] == inBox)
        #expect(answer["queryables"] as? [String] == ["code", "floors", "geometry", "kind", "name", "valid_from"])
        #expect(answer["one"] as? String == places.map(\.code).sorted().first)
        #expect(answer["filtered"] as? [String] == places.filter { $0.name.hasPrefix("地点1") }.map(\.code).sorted())
    }
}

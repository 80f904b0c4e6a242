import Events
import Foundation
import ShikongTesting
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Exports through GDAL: GDAL's own ogrinfo reads what the API writes, and an import of an export
/// gives the same attributes and geometries as the original.
@Suite("Exports", .serialized)
struct ExportTests {
    static func download(_ platform: TestPlatform, _ path: String, accept: String? = nil, to file: URL) async throws -> (
        status: Int, headers: [String: String]
    ) {
        var request = URLRequest(url: URL(string: platform.baseURL + path)!)
        try await platform.authorize(&request)
        if let accept { request.setValue(accept, forHTTPHeaderField: "Accept") }
        let (data, response) = try await URLSession.shared.data(for: request)
        try data.write(to: file)
        let http = response as? HTTPURLResponse
        var headers: [String: String] = [:]
        for (name, value) in http?.allHeaderFields ?? [:] { headers["\(name)".lowercased()] = "\(value)" }
        return (http?.statusCode ?? 0, headers)
    }

    /// Every feature of a collection as `id|properties|geometry` lines, from the API.
    static func state(_ platform: TestPlatform, _ collection: String) async throws -> [String] {
        let page = try await platform.get("/collections/\(collection)/items?limit=1000").json
        return (page["features"] as? [[String: Any]] ?? []).map { feature in
            let properties = try? JSONSerialization.data(withJSONObject: feature["properties"] ?? [:], options: [.sortedKeys])
            let geometry = try? JSONSerialization.data(withJSONObject: feature["geometry"] ?? [:], options: [.sortedKeys])
            return
                "\(feature["id"] ?? "")|\(String(decoding: properties ?? Data(), as: UTF8.self))|\(String(decoding: geometry ?? Data(), as: UTF8.self))"
        }
    }

    @Test("ogrinfo reads the GeoPackage the API exports; shapefile, CSV and an as_of state export too")
    func formats() async throws {
        let platform = try await TestPlatform.shared()
        let name = "export_\(UUID().uuidString.prefix(6).lowercased())"
        let places = FeatureAPITests.places
        try await FeatureAPITests.importPlaces(places, into: name, platform: platform, validFrom: "2026-01-01T00:00:00Z")
        _ = try await platform.poll("/collections/\(name)/items?limit=100") { FeatureAPITests.ids($0).count == places.count }
        let directory = platform.dataDirectory.appendingPathComponent("exports-\(name)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)

        let gpkg = directory.appendingPathComponent("all.gpkg")
        let answer = try await Self.download(platform, "/collections/\(name)/items?f=gpkg", to: gpkg)
        #expect(answer.status == 200)
        #expect(answer.headers["content-type"] == "application/geopackage+sqlite3")
        #expect(answer.headers["content-disposition"]?.contains(".gpkg") == true)
        let info = try await runToolDetached("ogrinfo", ["-ro", "-al", "-so", gpkg.path])
        #expect(info.status == 0, "\(info.output)")
        #expect(info.output.contains("Feature Count: \(places.count)"), "\(info.output)")
        #expect(info.output.contains("floors: Integer"), "\(info.output)")
        #expect(info.output.contains("4490"), "\(info.output)")

        // A filtered export in a Gauss-Krüger zone, by Accept header: a zipped shapefile.
        let parks = places.filter { $0.kind == "park" }.count
        let shp = directory.appendingPathComponent("parks.shp.zip")
        let zipped = try await Self.download(platform, "/collections/\(name)/items?kind=park&crs=EPSG:4547", accept: "application/zip", to: shp)
        #expect(zipped.status == 200)
        #expect(zipped.headers["content-crs"] == "<http://www.opengis.net/def/crs/EPSG/0/4547>")
        let shpInfo = try await runToolDetached("ogrinfo", ["-ro", "-al", "-so", "/vsizip/" + shp.path])
        #expect(shpInfo.output.contains("Feature Count: \(parks)"), "\(shpInfo.output)")
        #expect(shpInfo.output.contains("CGCS2000 / 3-degree Gauss-Kruger CM 114E"), "\(shpInfo.output)")

        let csv = directory.appendingPathComponent("all.csv")
        #expect(try await Self.download(platform, "/collections/\(name)/items?f=csv", to: csv).status == 200)
        let lines = try String(contentsOf: csv, encoding: .utf8).split(whereSeparator: \.isNewline)
        #expect(lines.count == places.count + 1)
        #expect(lines.first?.contains("floors") == true)

        // as_of: the state before a change, through the CLI.
        let before = Date()
        try await Task.sleep(for: .milliseconds(1_100))
        var changed = places
        changed.removeLast(5)
        try await FeatureAPITests.importPlaces(changed, into: name, platform: platform, validFrom: "2026-05-01T00:00:00Z")
        _ = try await platform.poll("/collections/\(name)/items?limit=100") { FeatureAPITests.ids($0).count == changed.count }
        let old = directory.appendingPathComponent("before.geojson")
        let exportArguments = ["export", "--collection", name, "--as-of", Timestamp.format(before), "--format", "geojson", "-o", old.path]
        let exported = try await runCLI(exportArguments, platform: platform)
        #expect(exported.status == 0, "\(exported.output)")
        let oldInfo = try await runToolDetached("ogrinfo", ["-ro", "-al", "-so", old.path])
        #expect(oldInfo.output.contains("Feature Count: \(places.count)"), "\(oldInfo.output)")
    }

    @Test("import → export (GeoPackage, shapefile) → import keeps every attribute and geometry")
    func roundTrip() async throws {
        let platform = try await TestPlatform.shared()
        let name = "trip_\(UUID().uuidString.prefix(6).lowercased())"
        let places = FeatureAPITests.places
        try await FeatureAPITests.importPlaces(places, into: name, platform: platform, validFrom: "2026-01-01T00:00:00Z")
        _ = try await platform.poll("/collections/\(name)/items?limit=100") { FeatureAPITests.ids($0).count == places.count }
        let original = try await Self.state(platform, name)
        let directory = platform.dataDirectory.appendingPathComponent("trip-\(name)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for format in ["gpkg", "shp"] {
            let file = directory.appendingPathComponent("trip.\(format == "shp" ? "shp.zip" : format)")
            let exported = try await runCLI(["export", "--collection", name, "--format", format, "-o", file.path], platform: platform)
            #expect(exported.status == 0, "\(exported.output)")
            let copy = "\(name)_\(format)"
            let imported = try await runCLI(["import", file.path, "--collection", copy, "--id-field", "code"], platform: platform)
            #expect(imported.status == 0, "\(imported.output)")
            _ = try await platform.poll("/collections/\(copy)/items?limit=100") { FeatureAPITests.ids($0).count == places.count }
            #expect(try await Self.state(platform, copy) == original, "\(format)")
        }
    }
}

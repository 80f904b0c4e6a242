import Events
import Foundation
import ShikongTesting
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// OGC API Features Parts 1–3 over an imported entity collection: the collection is registered by
/// the import, its items page, filter (bbox, property, CQL2 text and JSON), sort, select properties,
/// come in other CRSs, and its past is served with `as_of` and `datetime`.
@Suite("OGC API Features", .serialized)
struct FeatureAPITests {
    struct Place {
        var code: String
        var name: String
        var kind: String
        var floors: Int
        var lon: Double
        var lat: Double

        var json: String {
            #"{"type":"Feature","properties":{"code":"\#(code)","name":"\#(name)","kind":"\#(kind)","floors":\#(floors)},"geometry":{"type":"Point","coordinates":[\#(lon),\#(lat)]}}"#
        }
    }

    /// 37 places on a grid around Wuhan, with kinds and floors that vary.
    static let places: [Place] = (0..<37).map { index in
        let kinds = ["school", "park", "hospital"]
        return Place(
            code: String(format: "P%03d", index), name: "地点\(index)", kind: kinds[index % 3], floors: (index * 7) % 11,
            lon: 114.20 + Double(index % 7) * 0.02, lat: 30.50 + Double(index / 7) * 0.02)
    }

    static func file(_ places: [Place]) -> String {
        #"{"type":"FeatureCollection","features":[\#(places.map(\.json).joined(separator: ","))]}"#
    }

    /// GET with headers; the body decoded as a JSON object.
    static func fetch(_ platform: TestPlatform, _ path: String, accept: String? = nil) async throws -> (
        status: Int, headers: [String: String], json: [String: Any]
    ) {
        var request = URLRequest(url: URL(string: path.hasPrefix("http") ? path : platform.baseURL + path)!)
        try await platform.authorize(&request)
        if let accept { request.setValue(accept, forHTTPHeaderField: "Accept") }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as? HTTPURLResponse
        var headers: [String: String] = [:]
        for (name, value) in http?.allHeaderFields ?? [:] { headers["\(name)".lowercased()] = "\(value)" }
        return (http?.statusCode ?? 0, headers, (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:])
    }

    static func ids(_ json: [String: Any]) -> [String] {
        (json["features"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
    }

    static func link(_ json: [String: Any], _ rel: String) -> String? {
        (json["links"] as? [[String: Any]] ?? []).first { $0["rel"] as? String == rel }?["href"] as? String
    }

    /// Imports `places` into `name` and waits until the API serves them all.
    static func importPlaces(_ places: [Place], into name: String, platform: TestPlatform, validFrom: String? = nil) async throws {
        let directory = platform.dataDirectory.appendingPathComponent("features-\(name)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("places.geojson")
        try file(places).write(to: path, atomically: true, encoding: .utf8)
        var arguments = ["import", path.path, "--collection", name, "--id-field", "code"]
        if let validFrom { arguments += ["--valid-from", validFrom] }
        let given = arguments
        let imported = try await runCLI(given, platform: platform)
        #expect(imported.status == 0, "\(imported.output)")
    }

    @Test("an imported collection is listed, paged, filtered, sorted, projected and time-travelled")
    func entityCollection() async throws {
        let platform = try await TestPlatform.shared()
        let name = "places_\(UUID().uuidString.prefix(6).lowercased())"
        let places = Self.places
        try await Self.importPlaces(places, into: name, platform: platform, validFrom: "2026-01-01T00:00:00Z")
        let all = try await platform.poll("/collections/\(name)/items?limit=100") { Self.ids($0).count == places.count }
        #expect(Self.ids(all).sorted() == places.map(\.code).sorted())
        #expect(all["numberMatched"] as? Int == places.count)

        // Registered by the import, with the file's fields.
        let listed = try await platform.poll("/collections") { json in
            (json["collections"] as? [[String: Any]] ?? []).contains { $0["id"] as? String == name }
        }
        #expect((listed["collections"] as? [[String: Any]] ?? []).contains { $0["id"] as? String == "sensors" })
        let described = try await Self.fetch(platform, "/collections/\(name)")
        let fields = (described.json["properties"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        #expect(fields == ["code", "name", "kind", "floors"])
        let queryables = try await Self.fetch(platform, "/collections/\(name)/queryables")
        #expect(queryables.headers["content-type"] == "application/schema+json")
        let floorsSchema = (queryables.json["properties"] as? [String: Any])?["floors"] as? [String: Any]
        #expect(floorsSchema?["type"] as? String == "integer")

        // Paging with next links visits every feature once; only the last page knows numberMatched.
        var seen: [String] = []
        var next: String? = "/collections/\(name)/items?limit=10"
        var pages = 0
        while let path = next {
            let page = try await Self.fetch(platform, path)
            #expect(page.status == 200)
            #expect(page.headers["content-type"] == "application/geo+json")
            seen += Self.ids(page.json)
            next = Self.link(page.json, "next")
            pages += 1
            if next != nil { #expect(page.json["numberMatched"] == nil) }
        }
        #expect(pages == 4)
        #expect(seen == places.map(\.code).sorted())
        let second = try await Self.fetch(platform, "/collections/\(name)/items?limit=10&offset=10")
        #expect(Self.link(second.json, "prev") != nil)
        #expect(Self.ids(second.json) == Array(places.map(\.code).sorted()[10..<20]))

        // bbox, property filters, CQL2 text and JSON agree with the data.
        let inBox = places.filter { (114.23...114.29).contains($0.lon) && (30.51...30.55).contains($0.lat) }.map(\.code).sorted()
        #expect(!inBox.isEmpty && inBox.count < places.count)
        let boxed = try await Self.fetch(platform, "/collections/\(name)/items?limit=100&bbox=114.23,30.51,114.29,30.55")
        #expect(Self.ids(boxed.json) == inBox)
        let parks = places.filter { $0.kind == "park" }.map(\.code).sorted()
        #expect(Self.ids(try await Self.fetch(platform, "/collections/\(name)/items?limit=100&kind=park").json) == parks)
        let tall = places.filter { $0.kind != "park" && $0.floors >= 5 }.map(\.code).sorted()
        let text = "kind <> 'park' AND floors >= 5".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        #expect(Self.ids(try await Self.fetch(platform, "/collections/\(name)/items?limit=100&filter=\(text)").json) == tall)
        let cql2JSON =
            #"{"op":"and","args":[{"op":"<>","args":[{"property":"kind"},"park"]},{"op":">=","args":[{"property":"floors"},5]}]}"#
        let encodedJSON = cql2JSON.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        let viaJSON = try await Self.fetch(platform, "/collections/\(name)/items?limit=100&filter-lang=cql2-json&filter=\(encodedJSON)")
        #expect(Self.ids(viaJSON.json) == tall)
        let spatial = "S_INTERSECTS(geometry, POLYGON((114.23 30.51, 114.29 30.51, 114.29 30.55, 114.23 30.55, 114.23 30.51)))"
        let spatialPath = "/collections/\(name)/items?limit=100&filter=\(spatial.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)"
        #expect(Self.ids(try await Self.fetch(platform, spatialPath).json) == inBox)

        // sortby and properties.
        let sorted = try await Self.fetch(platform, "/collections/\(name)/items?limit=100&sortby=-floors,code&properties=floors")
        let floors = (sorted.json["features"] as? [[String: Any]] ?? []).compactMap { ($0["properties"] as? [String: Any])?["floors"] as? Int }
        #expect(floors == places.map(\.floors).sorted(by: >))
        let keys = Set((sorted.json["features"] as? [[String: Any]] ?? []).flatMap { ($0["properties"] as? [String: Any] ?? [:]).keys })
        #expect(keys == ["floors"])

        // CRSs: EPSG:4490 is latitude first; Web Mercator in metres; a bbox in 3857.
        let first = places.sorted { $0.code < $1.code }[0]
        let single = try await Self.fetch(platform, "/collections/\(name)/items/\(first.code)?crs=EPSG:4490")
        #expect(single.headers["content-crs"] == "<http://www.opengis.net/def/crs/EPSG/0/4490>")
        let coordinates = (single.json["geometry"] as? [String: Any])?["coordinates"] as? [Double] ?? []
        #expect(coordinates.count == 2 && abs(coordinates[0] - first.lat) < 1e-9 && abs(coordinates[1] - first.lon) < 1e-9)
        #expect(Self.link(single.json, "collection") != nil)
        let mercator = try await Self.fetch(platform, "/collections/\(name)/items/\(first.code)?crs=http://www.opengis.net/def/crs/EPSG/0/3857")
        let metres = (mercator.json["geometry"] as? [String: Any])?["coordinates"] as? [Double] ?? []
        #expect(metres.count == 2 && abs(metres[0] - first.lon * 20_037_508.342789244 / 180) < 0.01)
        let box3857 = [114.23, 30.51, 114.29, 30.55].enumerated().map { index, value in
            index % 2 == 0 ? value * 20_037_508.342789244 / 180 : log(tan((90 + value) * .pi / 360)) * 6_378_137
        }
        let boxText = box3857.map { String($0) }.joined(separator: ",")
        let boxedMercator = try await Self.fetch(platform, "/collections/\(name)/items?limit=100&bbox=\(boxText)&bbox-crs=EPSG:3857")
        #expect(Self.ids(boxedMercator.json) == inBox)
        let zone = try await Self.fetch(platform, "/collections/\(name)/items/\(first.code)?crs=EPSG:4547")
        let gaussKruger = (zone.json["geometry"] as? [String: Any])?["coordinates"] as? [Double] ?? []
        #expect(gaussKruger.count == 2 && (3_300_000...3_450_000).contains(gaussKruger[0]) && (300_000...700_000).contains(gaussKruger[1]))

        // Time travel: a second import changes floors; as_of and datetime read the first state.
        let firstKnown = Date()
        try await Task.sleep(for: .milliseconds(1_100))
        var changed = places
        changed[0].floors = 99
        try await Self.importPlaces(changed, into: name, platform: platform, validFrom: "2026-06-01T00:00:00Z")
        _ = try await platform.poll("/collections/\(name)/items/\(first.code)") { ($0["properties"] as? [String: Any])?["floors"] as? Int == 99 }
        let before = try await Self.fetch(platform, "/collections/\(name)/items/\(first.code)?as_of=\(Timestamp.format(firstKnown))")
        #expect((before.json["properties"] as? [String: Any])?["floors"] as? Int == first.floors)
        let validThen = try await Self.fetch(platform, "/collections/\(name)/items?limit=100&datetime=2026-03-01T00:00:00Z&floors=\(first.floors)")
        #expect(Self.ids(validThen.json).contains(first.code))
        let validNow = try await Self.fetch(platform, "/collections/\(name)/items?limit=100&datetime=2026-07-01T00:00:00Z&floors=99")
        #expect(Self.ids(validNow.json) == [first.code])
        let interval = try await Self.fetch(platform, "/collections/\(name)/items?limit=100&datetime=2025-01-01T00:00:00Z/2026-02-01T00:00:00Z")
        #expect(Self.ids(interval.json).count == places.count)
    }

    @Test("bad parameters are RFC 9457 problems that say what to do")
    func problems() async throws {
        let platform = try await TestPlatform.shared()
        for (path, status, phrase) in [
            ("/collections/sensors/items?colour=red", 400, "unknown parameter colour"),
            ("/collections/sensors/items?crs=EPSG:2000", 400, "not a CRS this server offers"),
            ("/collections/sensors/items?filter=sensor_id%20%3D", 400, "end of the filter"),
            ("/collections/sensors/items?filter=nosuch%20%3D%201", 400, "nosuch"),
            ("/collections/sensors/items?limit=100000", 400, "limit"),
            ("/collections/sensors/items?f=xml", 400, "f=xml"),
            ("/collections/sensors/items?as_of=2026-01-01T00:00:00Z", 400, "as_of"),
            ("/collections/nope/queryables", 404, "nope"),
        ] {
            let answer = try await Self.fetch(platform, path)
            #expect(answer.status == status, "\(path)")
            #expect(answer.headers["content-type"] == "application/problem+json", "\(path)")
            #expect((answer.json["detail"] as? String ?? "").contains(phrase), "\(path): \(answer.json)")
        }
        let conformance = try await Self.fetch(platform, "/conformance")
        let classes = conformance.json["conformsTo"] as? [String] ?? []
        #expect(classes.contains("http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs"))
        #expect(classes.contains("http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter"))
    }
}

/// The catalogue: imports register collections, `/catalog` finds them, `PATCH` edits them through an event.
@Suite("Catalogue", .serialized)
struct CatalogueTests {
    static func send(_ platform: TestPlatform, _ method: String, _ path: String, body: String) async throws -> (status: Int, json: [String: Any]) {
        var request = URLRequest(url: URL(string: platform.baseURL + path)!)
        try await platform.authorize(&request)
        request.httpMethod = method
        request.httpBody = Data(body.utf8)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:])
    }

    static func ids(_ json: [String: Any]) -> [String] {
        (json["features"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
    }

    @Test("registered by import, searched by text, keywords, labels, bbox and time, edited with PATCH")
    func searchAndEdit() async throws {
        let platform = try await TestPlatform.shared()
        let name = "parks_\(UUID().uuidString.prefix(6).lowercased())"
        let places = FeatureAPITests.places.filter { $0.kind == "park" }
        try await FeatureAPITests.importPlaces(places, into: name, platform: platform, validFrom: "2026-02-01T00:00:00Z")
        _ = try await platform.poll("/catalog?q=\(name)") { Self.ids($0) == [name] }
        let described = try await platform.get("/collections/\(name)")
        #expect(described.json["source"] as? String == "places.geojson")

        // Edit: title, keywords, labels; the change arrives through the catalogue topic.
        let edit =
            #"{"title":"城市公园 \#(name)","description":"Parks of Wuhan","keywords":["green","leisure"],"industry":"landscaping","classification":"government"}"#
        let accepted = try await Self.send(platform, "PATCH", "/collections/\(name)", body: edit)
        #expect(accepted.status == 202, "\(accepted.json)")
        let edited = try await platform.poll("/collections/\(name)") { $0["title"] as? String == "城市公园 \(name)" }
        #expect(edited["keywords"] as? [String] == ["green", "leisure"])
        #expect(edited["classification"] as? String == "government")
        #expect(edited["industry"] as? String == "landscaping")

        // A re-import keeps the edited metadata.
        try await FeatureAPITests.importPlaces(places, into: name, platform: platform, validFrom: "2026-02-01T00:00:00Z")
        try await Task.sleep(for: .seconds(1))
        #expect(try await platform.get("/collections/\(name)").json["title"] as? String == "城市公园 \(name)")

        #expect(Self.ids(try await platform.get("/catalog?keywords=leisure,other").json).contains(name))
        #expect(!Self.ids(try await platform.get("/catalog?keywords=nothing-like-it").json).contains(name))
        #expect(Self.ids(try await platform.get("/catalog?q=wuhan%20parks&industry=landscaping").json).contains(name))
        #expect(!Self.ids(try await platform.get("/catalog?q=\(name)&classification=public").json).contains(name))
        // Extents are computed in the background: poll until the bbox search sees the collection.
        let lons = places.map(\.lon)
        let lats = places.map(\.lat)
        let inside = "\(lons.min()! - 0.01),\(lats.min()! - 0.01),\(lons.max()! + 0.01),\(lats.max()! + 0.01)"
        let found = try await platform.poll("/catalog?bbox=\(inside)&q=\(name)") { Self.ids($0) == [name] }
        #expect(Self.ids(found) == [name])
        let record = (found["features"] as? [[String: Any]])?.first
        #expect((record?["geometry"] as? [String: Any])?["type"] as? String == "Polygon")
        #expect(Self.ids(try await platform.get("/catalog?bbox=100,20,100.1,20.1&q=\(name)").json).isEmpty)
        #expect(Self.ids(try await platform.get("/catalog?datetime=2026-02-15T00:00:00Z/..&q=\(name)").json) == [name])
        #expect(Self.ids(try await platform.get("/catalog?datetime=2020-01-01T00:00:00Z/2021-01-01T00:00:00Z&q=\(name)").json).isEmpty)

        // Bad edits are problems.
        for (body, phrase) in [
            (#"{"colour":"red"}"#, "colour"), (#"{"classification":"secret"}"#, "classification"), (#"{"keywords":"one"}"#, "keywords"),
            ("not json", "JSON object"),
        ] {
            let refused = try await Self.send(platform, "PATCH", "/collections/\(name)", body: body)
            #expect(refused.status == 400)
            #expect((refused.json["detail"] as? String ?? "").contains(phrase), "\(refused.json)")
        }
        #expect(try await Self.send(platform, "PATCH", "/collections/nothing-here", body: "{}").status == 404)

        // A built-in collection's metadata can be edited too.
        let marker = "edited-\(UUID().uuidString.prefix(6).lowercased())"
        let builtIn = try await Self.send(platform, "PATCH", "/collections/readings", body: #"{"keywords":["IoT","\#(marker)"]}"#)
        #expect(builtIn.status == 202, "\(builtIn.json)")
        let readings = try await platform.poll("/collections/readings") { ($0["keywords"] as? [String] ?? []).contains(marker) }
        #expect(readings["keywords"] as? [String] == ["IoT", marker])
        #expect(readings["title"] as? String == "Sensor readings")
    }
}

/// `/collections/{c}/stats`: counts and aggregates by property, grid cell, admin region and time bucket
/// agree with the same figures computed here from the imported data.
@Suite("Statistics", .serialized)
struct StatisticsTests {
    static func rows(_ platform: TestPlatform, _ path: String) async throws -> [[String: Any]] {
        let answer = try await platform.get(path)
        #expect(answer.status == 200, "\(path): \(answer.json)")
        return answer.json["rows"] as? [[String: Any]] ?? []
    }

    @Test("group by property, grid and admin region, bucket by time, with filters")
    func groups() async throws {
        let platform = try await TestPlatform.shared()
        let name = "stats_\(UUID().uuidString.prefix(6).lowercased())"
        let places = FeatureAPITests.places
        try await FeatureAPITests.importPlaces(places, into: name, platform: platform, validFrom: "2026-01-01T00:00:00Z")
        _ = try await platform.poll("/collections/\(name)/items?limit=100") { FeatureAPITests.ids($0).count == places.count }

        // By property, with aggregates.
        let byKind = try await Self.rows(platform, "/collections/\(name)/stats?group_by=kind&agg=count,avg(floors),max(floors),sum(floors)")
        #expect(byKind.compactMap { $0["kind"] as? String } == ["hospital", "park", "school"])
        for row in byKind {
            let kind = row["kind"] as? String
            let floors = places.filter { $0.kind == kind }.map(\.floors)
            #expect(row["count"] as? Int == floors.count)
            #expect(row["max(floors)"] as? Int == floors.max())
            #expect(row["sum(floors)"] as? Int == floors.reduce(0, +))
            #expect(abs((row["avg(floors)"] as? Double ?? 0) - Double(floors.reduce(0, +)) / Double(floors.count)) < 1e-9)
        }
        // With a filter and a bbox: only what the items request would select.
        let filtered = try await Self.rows(platform, "/collections/\(name)/stats?filter=floors%20%3E%204&bbox=114.23,30.51,114.29,30.55")
        let expected = places.filter { $0.floors > 4 && (114.23...114.29).contains($0.lon) && (30.51...30.55).contains($0.lat) }.count
        #expect(filtered.first?["count"] as? Int == expected)

        // Grid cells of 0.05°: the counts add up, and each cell's box holds its features.
        let cells = try await Self.rows(platform, "/collections/\(name)/stats?group_by=grid&grid_size=0.05&geometry=true")
        #expect(cells.reduce(0) { $0 + ($1["count"] as? Int ?? 0) } == places.count)
        for cell in cells {
            let box = cell["cell_bbox"] as? [Double] ?? []
            let inside = places.filter { box.count == 4 && $0.lon >= box[0] && $0.lon < box[2] && $0.lat >= box[1] && $0.lat < box[3] }
            #expect(cell["count"] as? Int == inside.count, "\(cell)")
            #expect((cell["geometry"] as? [String: Any])?["type"] as? String == "Polygon")
        }

        // Admin regions: two rectangles imported as a region collection.
        let regions = "regions_\(UUID().uuidString.prefix(6).lowercased())"
        let directory = platform.dataDirectory.appendingPathComponent("stats-\(regions)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("regions.geojson")
        func rectangle(_ code: String, _ west: Double, _ east: Double) -> String {
            #"{"type":"Feature","properties":{"code":"\#(code)","name":"区\#(code)"},"geometry":{"type":"Polygon","coordinates":[[[\#(west),30.4],[\#(east),30.4],[\#(east),30.7],[\#(west),30.7],[\#(west),30.4]]]}}"#
        }
        try #"{"type":"FeatureCollection","features":[\#(rectangle("W", 114.1, 114.25)),\#(rectangle("E", 114.25, 114.4))]}"#.write(
            to: file, atomically: true, encoding: .utf8)
        #expect(
            try await runCLI(["import", file.path, "--collection", regions, "--id-field", "code"], platform: platform).status
                == 0)
        _ = try await platform.poll("/collections/\(regions)/items") { FeatureAPITests.ids($0).count == 2 }
        let byRegion = try await Self.rows(platform, "/collections/\(name)/stats?group_by=admin&regions=\(regions)&geometry=true")
        let west = places.filter { $0.lon < 114.25 }.count
        #expect(byRegion.first { $0["region_id"] as? String == "W" }?["count"] as? Int == west)
        #expect(byRegion.first { $0["region_id"] as? String == "E" }?["count"] as? Int == places.count - west)
        #expect(byRegion.first?["region_name"] as? String == "区E")

        // Time buckets of valid time: one bucket, the day of the import's valid time (08:00 in Beijing),
        // which starts at Beijing midnight by default and at UTC midnight with tz=UTC.
        let buckets = try await Self.rows(platform, "/collections/\(name)/stats?time_bucket=1d&group_by=kind")
        #expect(buckets.count == 3)
        #expect(buckets.allSatisfy { $0["time"] as? String == "2025-12-31T16:00:00Z" }, "\(buckets)")
        #expect(buckets.allSatisfy { $0["local_time"] as? String == "2026-01-01T00:00:00+08:00" }, "\(buckets)")
        let utcBuckets = try await Self.rows(platform, "/collections/\(name)/stats?time_bucket=1d&group_by=kind&tz=UTC")
        #expect(utcBuckets.allSatisfy { $0["time"] as? String == "2026-01-01T00:00:00Z" && $0["local_time"] as? String == "2026-01-01T00:00:00Z" })

        for (path, phrase) in [
            ("/collections/\(name)/stats?group_by=colour", "colour"), ("/collections/\(name)/stats?agg=avg(kind)", "kind"),
            ("/collections/\(name)/stats?time_bucket=5x", "time_bucket"), ("/collections/\(name)/stats?agg=median(floors)", "median"),
        ] {
            let answer = try await platform.get(path)
            #expect(answer.status == 400, "\(path)")
            #expect((answer.json["detail"] as? String ?? "").contains(phrase), "\(answer.json)")
        }
    }
}

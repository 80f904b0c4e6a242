import Foundation
import ShikongTesting
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Measurement and spatial functions: geodesic figures on the CGCS2000 ellipsoid checked against
/// PROJ's own `invgeod` and closed forms, nearest and intersect over an imported collection, and
/// clear 4xx problems for bad input.
@Suite("Measurement", .serialized)
struct MeasurementTests {
    func post(_ platform: TestPlatform, _ path: String, _ body: String) async throws -> (status: Int, json: [String: Any], type: String) {
        var request = URLRequest(url: URL(string: platform.baseURL + path)!)
        try await platform.authorize(&request)
        request.httpMethod = "POST"
        request.httpBody = Data(body.utf8)
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = try #require(response as? HTTPURLResponse)
        let json = (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
        return (http.statusCode, json, http.value(forHTTPHeaderField: "Content-Type") ?? "")
    }

    /// PROJ's inverse geodesic on GRS80 (CGCS2000's ellipsoid differs in 1/f by 1e-7, below a millimetre here).
    func invgeod(_ lon1: Double, _ lat1: Double, _ lon2: Double, _ lat2: Double) throws -> Double {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/invgeod")
        process.arguments = ["+ellps=GRS80", "-f", "%.6f"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data("\(lat1) \(lon1) \(lat2) \(lon2)\n".utf8))
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return try #require(text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).last.flatMap { Double($0) })
    }

    /// Area on the ellipsoid between two parallels and two meridians (closed form).
    func cellArea(west: Double, south: Double, east: Double, north: Double) -> Double {
        let a = 6_378_137.0
        let f = 1 / 298.257222101
        let e2 = f * (2 - f)
        let e = e2.squareRoot()
        let b2 = a * a * (1 - e2)
        func q(_ latitude: Double) -> Double {
            let s = sin(latitude * .pi / 180)
            return s / (1 - e2 * s * s) + log((1 + e * s) / (1 - e * s)) / (2 * e)
        }
        return b2 / 2 * (q(north) - q(south)) * (east - west) * .pi / 180
    }

    @Test("distance, area, length and buffer are geodesic on the CGCS2000 ellipsoid")
    func measures() async throws {
        let platform = try await TestPlatform.shared()
        let distance = try await platform.get("/measure/distance?from=114.3025,30.5445&to=114.3656,30.5387")
        #expect(distance.status == 200)
        let metres = try #require(distance.json["distance"] as? Double)
        #expect(abs(metres - (try invgeod(114.3025, 30.5445, 114.3656, 30.5387))) < 0.01, "\(metres)")
        #expect(distance.json["unit"] as? String == "m")

        // The same two points given in Web Mercator give the same distance.
        let mercator = try await platform.get("/measure/distance?from=12724096.096,3573734.017&to=12731120.356,3572984.357&crs=EPSG:3857")
        let back = try #require(mercator.json["distance"] as? Double)
        #expect(abs(back - metres) < 0.01, "\(back) vs \(metres)")

        let cell = #"{"type":"Polygon","coordinates":[[[114.30,30.50],[114.31,30.50],[114.31,30.51],[114.30,30.51],[114.30,30.50]]]}"#
        let measured = try await post(platform, "/measure", cell)
        #expect(measured.status == 200)
        let area = try #require(measured.json["area"] as? Double)
        let expected = cellArea(west: 114.30, south: 30.50, east: 114.31, north: 30.51)
        #expect(abs(area - expected) / expected < 1e-4, "\(area) vs \(expected)")
        #expect(measured.json["valid"] as? Bool == true)
        let perimeter = try #require(measured.json["perimeter"] as? Double)
        let sides =
            try invgeod(114.30, 30.50, 114.31, 30.50) + invgeod(114.31, 30.50, 114.31, 30.51) + invgeod(114.31, 30.51, 114.30, 30.51)
            + invgeod(114.30, 30.51, 114.30, 30.50)
        #expect(abs(perimeter - sides) < 0.05, "\(perimeter) vs \(sides)")

        let line = try await post(platform, "/measure", #"{"type":"LineString","coordinates":[[114.3025,30.5445],[114.3656,30.5387]]}"#)
        #expect(abs((line.json["length"] as? Double ?? 0) - metres) < 0.01)

        let buffer = try await post(platform, "/buffer?distance=1000", #"{"type":"Point","coordinates":[114.3025,30.5445]}"#)
        #expect(buffer.status == 200 && buffer.type.hasPrefix("application/geo+json"))
        let bufferArea = try #require((buffer.json["properties"] as? [String: Any])?["area"] as? Double)
        // A 32-gon of radius 1 km: 16 sin(π/16) km².
        let polygon = 16 * sin(Double.pi / 16) * 1_000_000
        #expect(abs(bufferArea - polygon) / polygon < 0.01, "\(bufferArea) vs \(polygon)")
    }

    @Test("nearest features and the intersection of a collection with a geometry")
    func collectionFunctions() async throws {
        let platform = try await TestPlatform.shared()
        let name = "parcels_\(UUID().uuidString.prefix(6).lowercased())"
        let directory = platform.dataDirectory.appendingPathComponent("measure-\(name)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        func square(_ id: String, _ west: Double, _ south: Double) -> String {
            let (east, north) = (west + 0.01, south + 0.01)
            return
                #"{"type":"Feature","properties":{"code":"\#(id)"},"geometry":{"type":"Polygon","coordinates":[[[\#(west),\#(south)],[\#(east),\#(south)],[\#(east),\#(north)],[\#(west),\#(north)],[\#(west),\#(south)]]]}}"#
        }
        let file = directory.appendingPathComponent("parcels.geojson")
        try
            #"{"type":"FeatureCollection","features":[\#([square("P1", 114.30, 30.50), square("P2", 114.32, 30.50), square("P3", 114.40, 30.60)].joined(separator: ","))]}"#
            .write(to: file, atomically: true, encoding: .utf8)
        let imported = try await runCLI(["import", file.path, "--collection", name, "--id-field", "code"], platform: platform)
        #expect(imported.output.contains("3 upserted"), "\(imported.output)")
        _ = try await platform.waitForCount("SELECT count(*)::int FROM entity_current WHERE collection = \(name)") { $0 == 3 }

        // The rows are there; the catalogue registration may still be on its way on a busy machine.
        let nearest = try await platform.poll("/collections/\(name)/nearest?lon=114.3125&lat=30.505&k=2") {
            ($0["features"] as? [[String: Any]])?.count == 2
        }
        let features = try #require(nearest["features"] as? [[String: Any]])
        #expect(features.compactMap { $0["id"] as? String } == ["P1", "P2"])
        let distances = features.compactMap { ($0["properties"] as? [String: Any])?["distance"] as? Double }
        #expect(distances.count == 2 && distances[0] < distances[1])
        #expect(abs(distances[0] - (try invgeod(114.3125, 30.505, 114.31, 30.505))) < 1, "\(distances)")
        let bounded = try await platform.get("/collections/\(name)/nearest?lon=114.3125&lat=30.505&k=5&max_distance=500")
        #expect((bounded.json["features"] as? [[String: Any]])?.count == 1)

        // A square over the east half of P1 and the west half of P2.
        let window = #"{"type":"Polygon","coordinates":[[[114.305,30.50],[114.325,30.50],[114.325,30.51],[114.305,30.51],[114.305,30.50]]]}"#
        let intersect = try await post(platform, "/collections/\(name)/intersect", window)
        #expect(intersect.status == 200)
        let hits = try #require(intersect.json["features"] as? [[String: Any]])
        #expect(hits.compactMap { $0["id"] as? String } == ["P1", "P2"])
        let half = cellArea(west: 114.30, south: 30.50, east: 114.305, north: 30.51)
        for hit in hits {
            let area = try #require((hit["properties"] as? [String: Any])?["intersection_area"] as? Double)
            #expect(abs(area - half) / half < 1e-3, "\(area) vs \(half)")
        }
    }

    @Test("bad input is a 4xx problem that says what to fix")
    func problems() async throws {
        let platform = try await TestPlatform.shared()
        let cases: [(path: String, body: String?, status: Int)] = [
            ("/measure/distance?from=114.3", nil, 400),
            ("/measure/distance?from=114.3,30.5&to=114.4,30.6&crs=EPSG:999999", nil, 400),
            ("/measure/distance?from=114.3,30.5&to=114.4,30.6&crs=furlongs", nil, 400),
            ("/measure", #"{"type":"Polygon","coordinates":[[[114.3,30.5],[114.4]]]}"#, 400),
            ("/measure", "not json", 400),
            ("/buffer?distance=-5", #"{"type":"Point","coordinates":[114.3,30.5]}"#, 400),
            ("/buffer?distance=1000000", #"{"type":"Point","coordinates":[114.3,30.5]}"#, 400),
            ("/collections/no_such_collection/nearest?lon=114.3&lat=30.5", nil, 404),
            ("/collections/sensors/nearest?lon=east&lat=30.5", nil, 400),
        ]
        for item in cases {
            let (status, json, type): (Int, [String: Any], String)
            if let body = item.body {
                (status, json, type) = try await post(platform, item.path, body)
            } else {
                var request = URLRequest(url: URL(string: platform.baseURL + item.path)!)
                try await platform.authorize(&request)
                request.httpMethod = "GET"
                let (data, response) = try await URLSession.shared.data(for: request)
                let http = try #require(response as? HTTPURLResponse)
                (status, json, type) = (
                    http.statusCode, (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:],
                    http.value(forHTTPHeaderField: "Content-Type") ?? ""
                )
            }
            #expect(status == item.status, "\(item.path): \(status) \(json)")
            #expect(type.hasPrefix("application/problem+json"), "\(item.path): \(type)")
            #expect(!(json["detail"] as? String ?? "").isEmpty, "\(item.path)")
        }
    }
}

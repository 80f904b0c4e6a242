import Access
import Crypto
import Foundation
import Logging
import ShikongTesting
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Every route of `/api` against every kind of caller: anonymous, a valid token without a role, a
/// valid token with every role but public clearance, an expired, a forged and a revoked token, and
/// the administrator. A classified collection is seeded with marker values; no answer to a caller
/// below classified clearance may contain them. A route in `/api` without a row here fails the test.
@Suite("Access matrix", .serialized)
struct AccessMatrixTests {
    /// What a route asks of its caller, as this test expects it (written apart from the server's own policy).
    enum Kind {
        /// Anyone.
        case open
        /// Anyone while anonymous reads are on (the default).
        case publicRead
        /// Any valid token.
        case signedIn
        /// A role on every collection (admin, operator, editor, analyst).
        case role
        /// A role on every collection and classified clearance (dead letters).
        case cleared
        /// A read or write of the classified collection: hidden (404) below its clearance, 403 without a role.
        case secret
    }

    struct Case {
        var method: String
        /// `{S}` is the classified collection, `{F}` one of its features, `{U}` (in a body) the user without a role.
        var path: String
        var body: String?
        var kind: Kind
        /// A stream that stays open once let through: only the refusals are sent.
        var streams = false
    }

    /// `METHOD /path/{}` → the requests that exercise it.
    static func matrix() -> [String: [Case]] {
        func get(_ path: String, _ kind: Kind) -> Case { Case(method: "GET", path: path, body: nil, kind: kind) }
        func send(_ method: String, _ path: String, _ body: String, _ kind: Kind) -> Case { Case(method: method, path: path, body: body, kind: kind) }
        let cases: [(String, [Case])] = [
            ("GET /", [get("/", .open)]),
            ("GET /api", [get("/api", .open)]),
            ("GET /conformance", [get("/conformance", .open)]),
            ("GET /health", [get("/health", .open)]),
            ("GET /metrics", [get("/metrics", .role)]),
            ("GET /nodes", [get("/nodes", .role)]),
            ("GET /map", [get("/map", .open)]),
            ("GET /map/{}", [get("/map/app.css", .open)]),
            ("GET /map/js/{}", [get("/map/js/api.js", .open)]),
            ("GET /map/vendor/{}", [get("/map/vendor/maplibre-gl.css", .open)]),
            ("GET /map/glyphs/{}/{}", [get("/map/glyphs/Noto%20Sans%20Regular/0-255.pbf", .open)]),
            ("POST /auth/login", [send("POST", "/auth/login", #"{"name":"{U}","password":"{U}-password"}"#, .open)]),
            ("POST /auth/logout", [send("POST", "/auth/logout", "", .signedIn)]),
            ("GET /auth/me", [get("/auth/me", .signedIn)]),
            ("GET /users", [get("/users", .role)]),
            ("POST /users", [send("POST", "/users", #"{"name":"bad name!"}"#, .role)]),
            ("POST /users/{}/grants", [send("POST", "/users/matrix-throwaway/grants", #"{"role":"nonsense"}"#, .role)]),
            ("DELETE /users/{}/grants", [send("DELETE", "/users/matrix-throwaway/grants?role=viewer&scope=nothing", "", .role)]),
            ("POST /users/{}/tokens", [send("POST", "/users/matrix-throwaway/tokens", "{}", .role)]),
            ("DELETE /users/{}/tokens", [send("DELETE", "/users/matrix-throwaway/tokens", "", .role)]),
            ("GET /collections", [get("/collections", .publicRead)]),
            ("GET /catalog", [get("/catalog", .publicRead), get("/catalog?q=secret", .publicRead)]),
            ("POST /collections", [send("POST", "/collections", "{}", .role)]),
            ("PATCH /collections/{}", [send("PATCH", "/collections/{S}", #"{"nonsense":1}"#, .secret)]),
            ("PUT /collections/{}", [send("PUT", "/collections/{S}", #"{"nonsense":1}"#, .secret)]),
            ("GET /collections/{}", [get("/collections/{S}", .secret), get("/collections/sensors", .publicRead)]),
            ("GET /collections/{}/queryables", [get("/collections/{S}/queryables", .secret)]),
            (
                "GET /collections/{}/items",
                [
                    get("/collections/{S}/items", .secret), get("/collections/{S}/items?f=csv", .secret),
                    get("/collections/{S}/items?f=gpkg", .secret),
                    get("/collections/{S}/items?f=shp", .secret), get("/collections/{S}/items?f=geojson", .secret),
                    get("/collections/{S}/items?as_of=2100-01-01T00:00:00Z", .secret), get("/collections/sensors/items?limit=5", .publicRead),
                ]
            ),
            ("GET /collections/{}/items/{}", [get("/collections/{S}/items/{F}", .secret)]),
            ("GET /collections/{}/items/{}/history", [get("/collections/{S}/items/{F}/history", .secret)]),
            ("GET /collections/{}/diff", [get("/collections/{S}/diff?from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z", .secret)]),
            ("GET /collections/{}/stats", [get("/collections/{S}/stats", .secret), get("/collections/{S}/stats?group_by=name", .secret)]),
            ("GET /collections/{}/nearest", [get("/collections/{S}/nearest?lon=114.3&lat=30.59", .secret)]),
            ("POST /collections/{}/intersect", [send("POST", "/collections/{S}/intersect", Self.square, .secret)]),
            ("GET /collections/{}/tiles", [get("/collections/{S}/tiles", .secret)]),
            ("GET /collections/{}/tiles/{}", [get("/collections/{S}/tiles/WebMercatorQuad", .secret)]),
            ("GET /collections/{}/tiles/{}/{}/{}/{}", [get("/collections/{S}/tiles/WebMercatorQuad/10/837/420", .secret)]),
            ("GET /replay", [get("/replay?collections={S}&from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z&speed=0", .secret)]),
            ("GET /tileMatrixSets", [get("/tileMatrixSets", .open)]),
            ("GET /tileMatrixSets/{}", [get("/tileMatrixSets/WebMercatorQuad", .open)]),
            ("GET /tiles", [get("/tiles", .publicRead)]),
            ("GET /tiles/{}", [get("/tiles/WebMercatorQuad", .publicRead)]),
            ("GET /tiles/{}/{}/{}/{}", [get("/tiles/WebMercatorQuad/10/837/420", .publicRead)]),
            ("GET /measure/distance", [get("/measure/distance?from=114.3,30.5&to=114.4,30.6", .publicRead)]),
            ("POST /measure", [send("POST", "/measure", Self.square, .publicRead)]),
            ("POST /buffer", [send("POST", "/buffer", "{}", .publicRead)]),
            ("POST /imports", [send("POST", "/imports?collection={S}&filename=x.csv&id_field=code", "code,name,wkt\n", .secret)]),
            ("GET /imports", [get("/imports", .role)]),
            ("GET /imports/{}", [get("/imports/\(UUID().uuidString)", .role)]),
            ("POST /items", [send("POST", "/items", "", .role)]),
            ("GET /items", [get("/items", .publicRead)]),
            ("GET /items/{}", [get("/items/nothing", .publicRead)]),
            ("GET /dlq", [get("/dlq", .cleared)]),
            ("GET /dlq/{}", [get("/dlq/\(UUID().uuidString)", .cleared)]),
            ("POST /dlq/{}/redrive", [send("POST", "/dlq/\(UUID().uuidString)/redrive", "", .cleared)]),
            ("GET /aggregations", [get("/aggregations", .signedIn)]),
            ("GET /aggregations/{}", [get("/aggregations/nothing", .signedIn)]),
            ("GET /geofences", [get("/geofences", .signedIn)]),
            ("GET /geofences/{}", [get("/geofences/nothing", .signedIn)]),
            ("GET /alert-rules", [get("/alert-rules", .signedIn)]),
            ("GET /alert-rules/{}", [get("/alert-rules/nothing", .signedIn)]),
            ("POST /aggregations", [send("POST", "/aggregations", "{}", .role)]),
            ("PUT /aggregations/{}", [send("PUT", "/aggregations/matrix", "{}", .role)]),
            ("DELETE /aggregations/{}", [send("DELETE", "/aggregations/matrix-nothing", "", .role)]),
            ("POST /geofences", [send("POST", "/geofences", "{}", .role)]),
            ("PUT /geofences/{}", [send("PUT", "/geofences/matrix", "{}", .role)]),
            ("DELETE /geofences/{}", [send("DELETE", "/geofences/matrix-nothing", "", .role)]),
            ("POST /alert-rules", [send("POST", "/alert-rules", "{}", .role)]),
            ("PUT /alert-rules/{}", [send("PUT", "/alert-rules/matrix", "{}", .role)]),
            ("DELETE /alert-rules/{}", [send("DELETE", "/alert-rules/matrix-nothing", "", .role)]),
            ("POST /alerts/{}/acknowledge", [send("POST", "/alerts/nothing/acknowledge", "", .role)]),
            ("GET /geocode", [get("/geocode?q=x", .publicRead)]),
            ("GET /reverse", [get("/reverse?lon=114.3&lat=30.59", .publicRead)]),
            ("POST /geocode/batch", [send("POST", "/geocode/batch", "", .role)]),
            ("GET /geocode/batch/{}", [get("/geocode/batch/nothing", .signedIn)]),
            ("GET /geocode/batch/{}/results", [get("/geocode/batch/nothing/results", .signedIn)]),
            ("POST /gazetteer/aliases", [send("POST", "/gazetteer/aliases", "{}", .role)]),
            ("DELETE /gazetteer/aliases", [send("DELETE", "/gazetteer/aliases", "", .role)]),
            ("POST /gazetteer/divisions/{}/rename", [send("POST", "/gazetteer/divisions/000000/rename", "{}", .role)]),
            ("GET /gazetteer/changes", [get("/gazetteer/changes", .publicRead)]),
            // Feature edits.
            ("POST /collections/{}/items", [send("POST", "/collections/{S}/items", "{}", .secret)]),
            ("PUT /collections/{}/items/{}", [send("PUT", "/collections/{S}/items/nothing", "{}", .secret)]),
            ("PATCH /collections/{}/items/{}", [send("PATCH", "/collections/{S}/items/nothing", "{}", .secret)]),
            ("DELETE /collections/{}/items/{}", [send("DELETE", "/collections/{S}/items/nothing", "", .secret)]),
            // Live subscriptions.
            ("GET /api/async", [get("/api/async", .open)]),
            ("GET /collections/{}/live", [Case(method: "GET", path: "/collections/{S}/live", body: nil, kind: .secret, streams: true)]),
            ("GET /items/live", [Case(method: "GET", path: "/items/live", body: nil, kind: .publicRead, streams: true)]),
            // The sensor registry.
            ("GET /things", [get("/things", .publicRead)]),
            ("GET /things/{}", [get("/things/nothing", .publicRead)]),
            ("GET /datastreams", [get("/datastreams", .publicRead)]),
            ("GET /datastreams/{}", [get("/datastreams/nothing", .publicRead)]),
            ("POST /things", [send("POST", "/things", "{}", .role)]),
            ("PUT /things/{}", [send("PUT", "/things/matrix-nothing", "{}", .role)]),
            ("PATCH /things/{}", [send("PATCH", "/things/matrix-nothing", "{}", .role)]),
            ("DELETE /things/{}", [send("DELETE", "/things/matrix-nothing", "", .role)]),
            ("POST /datastreams", [send("POST", "/datastreams", "{}", .role)]),
            ("PUT /datastreams/{}", [send("PUT", "/datastreams/matrix-nothing", "{}", .role)]),
            ("PATCH /datastreams/{}", [send("PATCH", "/datastreams/matrix-nothing", "{}", .role)]),
            ("DELETE /datastreams/{}", [send("DELETE", "/datastreams/matrix-nothing", "", .role)]),
            ("POST /registry", [send("POST", "/registry", "{}", .role)]),
            // Tasks.
            ("GET /tasks", [get("/tasks", .role)]),
            ("GET /tasks/{}", [get("/tasks/matrix-nothing", .role)]),
            ("GET /tasks/{}/history", [get("/tasks/matrix-nothing/history", .role)]),
            ("GET /tasks/{}/status", [get("/tasks/matrix-nothing/status", .role)]),
            ("POST /tasks", [send("POST", "/tasks", "{}", .role)]),
            ("PATCH /tasks/{}", [send("PATCH", "/tasks/matrix-nothing", "{}", .role)]),
            ("POST /tasks/{}/pause", [send("POST", "/tasks/matrix-nothing/pause", "", .role)]),
            ("POST /tasks/{}/resume", [send("POST", "/tasks/matrix-nothing/resume", "", .role)]),
            ("DELETE /tasks/{}", [send("DELETE", "/tasks/matrix-nothing", "", .role)]),
        ]
        return Dictionary(cases, uniquingKeysWith: { first, _ in first })
    }

    static let square = #"{"type":"Polygon","coordinates":[[[114.2,30.5],[114.4,30.5],[114.4,30.7],[114.2,30.7],[114.2,30.5]]]}"#

    /// The callers, and the status each kind of route gives them (`nil`: let through — any status but 401 and 403).
    enum Caller: String, CaseIterable {
        case anonymous, noRole, noClearance, expired, forged, revoked, admin

        func expected(_ kind: Kind) -> Int? {
            switch (self, kind) {
            case (.expired, _), (.forged, _), (.revoked, _): 401
            case (.admin, _), (_, .open), (_, .publicRead): nil
            case (.anonymous, .secret): 404
            case (.anonymous, _): 401
            case (.noRole, .signedIn): nil
            case (.noRole, _): 403
            case (.noClearance, .secret): 404
            case (.noClearance, .cleared): 403
            case (.noClearance, _): nil
            }
        }
    }

    @Test("every route in /api answers every caller as it should, and nothing classified leaks")
    func matrixHoldsForEveryRoute() async throws {
        // The platform with a gazetteer, so the geocoding and gazetteer routes are served too.
        let platform = try await TestPlatform.sharedWithGazetteer()
        let marker = UUID().uuidString.prefix(8).lowercased()
        let secret = "secret_\(marker)"
        let valueMarker = "VALUE\(marker.uppercased())"

        // Every route of /api has a row.
        let document = try #require(
            try JSONSerialization.jsonObject(with: try await Self.fetch(platform, "GET", "/api", nil, .anonymous).data) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        var described = Set<String>()
        for (path, operations) in paths {
            for method in operations.keys { described.insert("\(method.uppercased()) \(OpenAPITests.normalised(path))") }
        }
        let matrix = Self.matrix()
        let missing = described.subtracting(matrix.keys).sorted()
        #expect(missing.isEmpty, "routes in /api without a row in the access matrix: \(missing)")
        #expect(
            Set(matrix.keys).subtracting(described).isEmpty, "matrix rows for routes not in /api: \(Set(matrix.keys).subtracting(described).sorted())"
        )

        // The classified collection, with marker values.
        let registered = try await platform.post(
            "/collections", body: #"{"id":"\#(secret)","title":"Secret \#(marker)","classification":"classified"}"#)
        #expect(registered.status == 202, "\(registered.json)")
        _ = try await platform.poll("/collections/\(secret)") { $0["id"] as? String == secret }
        var upload = URLRequest(url: URL(string: platform.baseURL + "/imports?collection=\(secret)&filename=s.csv&id_field=code")!)
        try await platform.authorize(&upload)
        upload.httpMethod = "POST"
        upload.httpBody = Data("code,name,wkt\ns1,\(valueMarker),POINT(114.30 30.59)\ns2,\(valueMarker)-2,POINT(114.31 30.60)\n".utf8)
        let (_, uploaded) = try await URLSession.shared.data(for: upload)
        #expect((uploaded as? HTTPURLResponse)?.statusCode == 202)
        #expect(try await platform.waitForCount("SELECT count(*)::int FROM entity_current WHERE collection = \(secret)") { $0 == 2 } == 2)
        let collection = try await platform.get("/collections/\(secret)")
        #expect(collection.json["classification"] as? String == "classified", "\(collection.json)")

        // The administrator reads it all: the markers are there to be found (the matrix's empty import retires them later).
        let items = try await Self.fetch(platform, "GET", "/collections/\(secret)/items", nil, .admin)
        #expect(String(decoding: items.data, as: UTF8.self).contains(valueMarker))

        // The callers.
        let noRoleName = "matrix-norole-\(marker)"
        let noRole = try await platform.makeUser(noRoleName, clearance: .classified, grants: [])
        let noClearance = try await platform.makeUser("matrix-public-\(marker)", clearance: .public, grants: [Grant(role: .admin)])
        let expired = try await platform.makeUser(
            "matrix-expired-\(marker)", clearance: .classified, grants: [Grant(role: .admin)], lifetime: .seconds(1))
        let revoked = try await platform.makeUser("matrix-revoked-\(marker)", clearance: .classified, grants: [Grant(role: .admin)])
        try await platform.withDatabase { client in try await AccessStore(client: client, logger: Logger(label: "t")).revoke(token: revoked) }
        // A token is stored as the lower-case hex of its SHA-256, as every earlier release stored it.
        let digest = SHA256.hash(data: Data(revoked.utf8)).map { String(format: "%02x", $0) }.joined()
        #expect(
            try await platform.waitForCount("SELECT count(*)::int FROM access_tokens WHERE digest = \(digest) AND revoked_at IS NOT NULL") { $0 == 1 }
                == 1)
        try await Task.sleep(for: .milliseconds(1_500))
        let tokens: [Caller: TestPlatform.Token] = [
            .anonymous: .anonymous, .noRole: .bearer(noRole), .noClearance: .bearer(noClearance), .expired: .bearer(expired),
            .forged: .bearer("shk_" + UUID().uuidString.replacingOccurrences(of: "-", with: "")), .revoked: .bearer(revoked), .admin: .admin,
        ]

        var failures: [String] = []
        // Signing out revokes the token it carries: last, and the administrator signs out a token of its own.
        let logout = "POST /auth/logout"
        let ordered = matrix.sorted { ($0.key == logout ? 1 : 0, $0.key) < ($1.key == logout ? 1 : 0, $1.key) }
        let ownAdminToken = try await platform.makeUser("test-admin", clearance: .classified, grants: [Grant(role: .admin)])
        for (route, cases) in ordered {
            for item in cases {
                let path = item.path.replacingOccurrences(of: "{S}", with: secret).replacingOccurrences(of: "{F}", with: "s1")
                for caller in Caller.allCases where !(item.streams && caller.expected(item.kind) == nil) {
                    let token = route == logout && caller == .admin ? .bearer(ownAdminToken) : tokens[caller]!
                    let body = item.body?.replacingOccurrences(of: "{U}", with: noRoleName)
                    let (data, status, contentType) = try await Self.fetch(platform, item.method, path, body, token)
                    let text = String(decoding: data, as: UTF8.self)
                    let label = "\(route) [\(item.method) \(path)] as \(caller)"
                    if let expected = caller.expected(item.kind) {
                        if status != expected { failures.append("\(label): \(status), expected \(expected): \(text.prefix(200))") }
                        if !contentType.hasPrefix("application/problem+json") {
                            failures.append("\(label): \(status) without a problem body (\(contentType))")
                        }
                    } else if status == 401 || status == 403 {
                        failures.append("\(label): refused with \(status): \(text.prefix(200))")
                    }
                    // Nothing above the caller's clearance in any answer (exports and tiles included: bytes, not only text).
                    if caller != .admin && data.range(of: Data(valueMarker.utf8)) != nil {
                        failures.append("\(label): the answer holds the classified value marker")
                    }
                    // (A refusal may repeat the name the caller sent; nothing else may name it.)
                    if caller == .anonymous || caller == .noClearance, !path.contains(secret), data.range(of: Data(secret.utf8)) != nil {
                        failures.append("\(label): the answer names the classified collection")
                    }
                }
            }
        }
        #expect(failures.isEmpty, "\(failures.count) failures:\n\(failures.joined(separator: "\n"))")

    }

    static func fetch(_ platform: TestPlatform, _ method: String, _ path: String, _ body: String?, _ token: TestPlatform.Token) async throws -> (
        data: Data, status: Int, contentType: String
    ) {
        var request = URLRequest(url: URL(string: platform.baseURL + path)!)
        request.httpMethod = method
        request.timeoutInterval = 60
        if let body, method != "GET" {
            request.httpBody = Data(body.utf8)
            request.setValue(body.hasPrefix("{") ? "application/json" : "text/csv", forHTTPHeaderField: "Content-Type")
        }
        try await platform.authorize(&request, token)
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as? HTTPURLResponse
        return (data, http?.statusCode ?? 0, http?.value(forHTTPHeaderField: "Content-Type") ?? "")
    }
}

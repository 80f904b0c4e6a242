import Foundation
import ShikongTesting
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `/api`: the OpenAPI 3.0 document validates (openapi-spec-validator), names every route the
/// sources register, and a schemathesis run driven by it finds no 5xx on the read endpoints.
@Suite("OpenAPI document", .serialized)
struct OpenAPITests {
    static let venv = TestPlatform.repositoryRoot.appendingPathComponent(".venv/bin")

    static func document(_ platform: TestPlatform) async throws -> (data: Data, json: [String: Any]) {
        let (data, _) = try await URLSession.shared.data(from: URL(string: platform.baseURL + "/api")!)
        return (data, try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any]))
    }

    /// `METHOD /path/{}` for every `router.get("…")`, `router.post("…")` and `router.on("…", method: …)` in Sources/API.
    static func registeredRoutes() throws -> Set<String> {
        let root = TestPlatform.repositoryRoot.appendingPathComponent("Sources/API")
        var routes = Set<String>()
        let pattern = try NSRegularExpression(pattern: #"router\.(get|post|put|patch|delete)\("([^"]+)""#)
        let methods = try NSRegularExpression(pattern: #"HTTPRequest\.Method\.(\w+)[^\]]*\]"#)
        let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
        while let file = enumerator?.nextObject() as? URL {
            guard file.pathExtension == "swift" else { continue }
            let text = try String(contentsOf: file, encoding: .utf8)
            let range = NSRange(text.startIndex..., in: text)
            for match in pattern.matches(in: text, range: range) {
                let method = String(text[Range(match.range(at: 1), in: text)!]).uppercased()
                routes.insert("\(method) \(normalised(String(text[Range(match.range(at: 2), in: text)!])))")
            }
            // `for method in [HTTPRequest.Method.patch, .put] { router.on("…", method: method)`
            if let on = text.range(of: #"router\.on\("([^"]+)""#, options: .regularExpression),
                let list = methods.firstMatch(in: text, range: range).flatMap({ Range($0.range, in: text) })
            {
                let path = normalised(String(text[on].dropFirst(#"router.on(""#.count).dropLast()))
                let names = text[list].replacingOccurrences(of: "HTTPRequest.Method", with: "").matches(of: /\.(\w+)/).map {
                    String($0.output.1).uppercased()
                }
                for name in names { routes.insert("\(name) \(path)") }
            }
        }
        return routes
    }

    /// `:name` and `{name}` both become `{}`.
    static func normalised(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { part in
            part.hasPrefix(":") || part.hasPrefix("{") ? "{}" : String(part)
        }.joined(separator: "/")
    }

    @Test("validates with openapi-spec-validator and describes every route")
    func validAndComplete() async throws {
        let platform = try await TestPlatform.shared()
        let (data, document) = try await Self.document(platform)
        #expect(document["openapi"] as? String == "3.0.3")
        let file = platform.dataDirectory.appendingPathComponent("openapi.json")
        try data.write(to: file)
        let validated = try await runToolDetached(Self.venv.appendingPathComponent("openapi-spec-validator").path, [file.path])
        #expect(validated.status == 0, "\(validated.output)")

        let paths = try #require(document["paths"] as? [String: [String: Any]])
        var described = Set<String>()
        for (path, operations) in paths {
            for method in operations.keys { described.insert("\(method.uppercased()) \(Self.normalised(path))") }
        }
        let registered = try Self.registeredRoutes()
        #expect(registered.count >= 30, "\(registered.sorted())")
        #expect(registered.subtracting(described).isEmpty, "routes missing from /api: \(registered.subtracting(described).sorted())")
        #expect(described.subtracting(registered).isEmpty, "/api describes routes that do not exist: \(described.subtracting(registered).sorted())")
        let landing = try await platform.get("/").json
        #expect((landing["links"] as? [[String: Any]] ?? []).contains { $0["rel"] as? String == "service-desc" })
    }

    @Test("schemathesis driven by /api finds no 5xx on the read endpoints")
    func fuzz() async throws {
        let platform = try await TestPlatform.shared()
        // schemathesis keeps a cache in its working directory: the test's data directory, not the repository.
        let run = try await runToolDetached(
            Self.venv.appendingPathComponent("st").path,
            [
                "run", platform.baseURL + "/api", "--checks", "not_a_server_error", "--include-method", "GET", "--exclude-path", "/replay",
                "--exclude-path", "/collections/{collectionId}/live", "--exclude-path", "/items/live",
                "--exclude-path", "/metrics", "--phases", "examples,coverage,fuzzing", "-n", "8", "--generation-deterministic", "--request-timeout",
                "60", "--no-color",
            ], environment: ["SCHEMATHESIS_HOOKS": ""], directory: platform.dataDirectory)
        #expect(run.status == 0, "\(run.output.suffix(6_000))")
        // It ran the operations: schemathesis reports the fuzzing phase with what passed.
        #expect(run.output.contains("Fuzzing") && run.output.contains("passed"), "\(run.output.suffix(2_000))")
    }
}

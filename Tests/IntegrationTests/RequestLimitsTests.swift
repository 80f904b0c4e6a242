import Foundation
import ShikongTesting
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Hostile HTTP input is cheap and answered with a problem that names the limit: a huge JSON
/// object, bodies and headers over their limits, filters nested too deep; and query strings are
/// read as browsers and Python write them (`+` is a space).
@Suite("Request limits", .serialized)
struct RequestLimitsTests {
    static func send(_ request: URLRequest) async throws -> (status: Int, type: String, json: [String: Any]) {
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as? HTTPURLResponse
        return (
            http?.statusCode ?? 0, http?.value(forHTTPHeaderField: "Content-Type") ?? "",
            (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        )
    }

    @Test("POST /items with a 1 MiB object of 100,000 distinct members is refused by its size before parsing")
    func hugeObject() async throws {
        let platform = try await TestPlatform.shared()
        let members = (0..<100_000).map { #""m\#($0)":\#($0 % 10)"# }.joined(separator: ",")
        var request = URLRequest(url: URL(string: platform.baseURL + "/items")!)
        try await platform.authorize(&request)
        request.httpMethod = "POST"
        request.httpBody = Data(#"{"id":"huge-\#(UUID().uuidString)","time":"2026-11-25T06:00:00Z","text":"x",\#(members)}"#.utf8)
        #expect(request.httpBody!.count > 1_000_000)
        let answer = try await Self.send(request)
        // One item that large is more than the event log (and its dead-letter topic) can carry: it is
        // refused by its size before any parsing. That JSON parsing is linear is JSONTests' business,
        // and how fast the refusal is a benchmark's, not a timed test's.
        #expect(answer.status == 413, "\(answer.json)")
        #expect(answer.type == "application/problem+json")
        #expect((answer.json["detail"] as? String ?? "").contains("line 1"), "\(answer.json)")
    }

    @Test("a body over --max-request-bytes is a 413 problem, headers over --max-header-bytes a 431 problem")
    func bodyAndHeaders() async throws {
        let platform = try await TestPlatform.shared()
        var large = URLRequest(url: URL(string: platform.baseURL + "/items")!)
        try await platform.authorize(&large)
        large.httpMethod = "POST"
        large.httpBody = Data(repeating: UInt8(ascii: " "), count: 16 * 1_048_576 + 1)
        let tooLarge = try await Self.send(large)
        #expect(tooLarge.status == 413)
        #expect(tooLarge.type == "application/problem+json")
        #expect((tooLarge.json["detail"] as? String ?? "").contains("--max-request-bytes"), "\(tooLarge.json)")

        var headers = URLRequest(url: URL(string: platform.baseURL + "/collections")!)
        try await platform.authorize(&headers)
        for index in 0..<40 { headers.setValue(String(repeating: "x", count: 1_000), forHTTPHeaderField: "X-Padding-\(index)") }
        let tooMany = try await Self.send(headers)
        #expect(tooMany.status == 431)
        #expect(tooMany.type == "application/problem+json")
        #expect((tooMany.json["detail"] as? String ?? "").contains("--max-header-bytes"), "\(tooMany.json)")
    }

    @Test("JSON bodies nested 5,000 deep are 400 problems")
    func deepBodies() async throws {
        let platform = try await TestPlatform.shared()
        let deep = Data((String(repeating: "[", count: 5_000) + String(repeating: "]", count: 5_000)).utf8)
        for (method, path) in [("POST", "/measure"), ("PATCH", "/collections/sensors"), ("POST", "/collections/sensors/intersect")] {
            var request = URLRequest(url: URL(string: platform.baseURL + path)!)
            try await platform.authorize(&request)
            request.httpMethod = method
            request.httpBody = Data(#"{"type":"Polygon","coordinates":"#.utf8) + deep + Data("}".utf8)
            let answer = try await Self.send(request)
            #expect(answer.status == 400, "\(method) \(path): \(answer.status) \(answer.json)")
            #expect(answer.type == "application/problem+json")
        }
    }

    @Test("a filter nested too deep or too long is a 400 problem; '+' in a query string is a space")
    func filters() async throws {
        let platform = try await TestPlatform.shared()
        func items(_ query: String) async throws -> (status: Int, type: String, json: [String: Any]) {
            try await Self.send(URLRequest(url: URL(string: platform.baseURL + "/collections/sensors/items?" + query)!))
        }
        let deep = String(repeating: "(", count: 200) + "pm25 > 1" + String(repeating: ")", count: 200)
        let nested = try await items("filter=" + deep.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)
        #expect(nested.status == 400)
        #expect(nested.type == "application/problem+json")
        let long = try await items("filter=" + String(repeating: "a", count: 65_537))
        #expect(long.status == 400)
        #expect((long.json["detail"] as? String ?? "").contains("--max-filter-bytes"), "\(long.json)")
        // As an HTML form or Python's urlencode writes `sensor_id <> 'x y' AND sensor_id LIKE '%'`.
        let form = try await items("filter=sensor_id+%3C%3E+%27x+y%27+AND+sensor_id+LIKE+%27%25%27&limit=1")
        #expect(form.status == 200, "\(form.json)")
        let plus = try await items("filter=sensor_id+%3D+%27a%2Bb%27&limit=1")
        #expect(plus.status == 200, "\(plus.json)")
    }
}

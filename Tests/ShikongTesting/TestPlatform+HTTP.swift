import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// An API answer: status, JSON body (object or `nil`) and headers.
public struct APIAnswer: Sendable {
    public var status: Int
    public var body: Data
    public var headers: [String: String]

    public init(status: Int, body: Data, headers: [String: String]) {
        self.status = status
        self.body = body
        self.headers = headers
    }

    /// The body as a JSON object (empty when it is not one).
    public var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
    /// A header, by case-insensitive name.
    public func header(_ name: String) -> String? { headers.first { $0.key.lowercased() == name.lowercased() }?.value }
}

extension TestPlatform {
    /// Sends `method path` with a JSON body (a JSON object or array, or text) and headers. Writes wait
    /// up to two minutes for their event to be applied (`Prefer: wait=120`) unless `headers` say
    /// otherwise: the shared platform can lag far behind under the whole suite's load.
    /// As the test administrator unless `token` says otherwise.
    public func request(
        _ method: String, _ path: String, json: Any? = nil, text: String? = nil, headers: [String: String] = [:], token: Token = .admin
    ) async throws -> APIAnswer {
        var request = URLRequest(url: URL(string: baseURL + path)!)
        try await authorize(&request, token)
        request.httpMethod = method
        if let json {
            request.httpBody = try JSONSerialization.data(withJSONObject: json)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        } else if let text {
            request.httpBody = Data(text.utf8)
        }
        request.setValue("wait=120", forHTTPHeaderField: "Prefer")
        // Longer than that wait: the default (60 s) gave up on writes the server was still waiting for.
        request.timeoutInterval = 180
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as? HTTPURLResponse
        var fields: [String: String] = [:]
        for (name, value) in http?.allHeaderFields ?? [:] { fields["\(name)"] = "\(value)" }
        return APIAnswer(status: http?.statusCode ?? 0, body: data, headers: fields)
    }
}

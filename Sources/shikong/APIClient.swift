import ArgumentParser
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Where the commands that change the running platform send their requests: its HTTP API, so they
/// pass the same checks and the same access control as any other client.
struct APIOptions: ParsableArguments {
    @Option(help: "The platform's HTTP API. Env SHIKONG_API.")
    var api: String = env("SHIKONG_API", "http://127.0.0.1:18080")

    @Option(help: "Who makes the change (recorded in the history). Env SHIKONG_EDITOR, else USER.")
    var editor: String = env("SHIKONG_EDITOR", ProcessInfo.processInfo.environment["USER"] ?? "cli")

    @Option(help: "A bearer token (POST /auth/login, or shikong users token). Env SHIKONG_TOKEN.")
    var token: String = env("SHIKONG_TOKEN", "")

    var client: APIClient { APIClient(base: api.hasSuffix("/") ? String(api.dropLast()) : api, editor: editor, token: token) }
}

/// A small JSON client of the platform's API.
struct APIClient {
    let base: String
    let editor: String
    /// Sent as `Authorization: Bearer …` when not empty.
    var token = ""

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Sends a request; returns the status and the JSON body. A problem answer (4xx, 5xx) throws its detail.
    @discardableResult
    func send(_ method: String, _ path: String, body: Any? = nil, headers: [String: String] = [:]) async throws -> (status: Int, json: Any?) {
        guard let url = URL(string: base + path) else { throw Failure(description: "\(base + path) is not a URL") }
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.setValue(editor, forHTTPHeaderField: "Shikong-Editor")
        if !token.isEmpty { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        // A change answers once applied; a busy platform gets a minute before the answer is a 202 with the event id.
        request.setValue("wait=60", forHTTPHeaderField: "Prefer")
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if let body {
            request.httpBody = try JSONSerialization.data(withJSONObject: body)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await URLSession.shared.data(for: request)
        } catch {
            throw Failure(description: "no answer from \(base) (\(error.localizedDescription)); is the platform running? (--api, SHIKONG_API)")
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        let json = try? JSONSerialization.jsonObject(with: data)
        guard status < 400 else {
            let detail = ((json as? [String: Any])?["detail"] as? String) ?? String(decoding: data, as: UTF8.self)
            throw Failure(description: "\(method) \(path): \(status) — \(detail)")
        }
        return (status, json)
    }

    /// Pretty JSON text.
    static func text(_ json: Any?) -> String {
        guard let json, JSONSerialization.isValidJSONObject(json),
            let data = try? JSONSerialization.data(withJSONObject: json, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        else { return "" }
        return String(decoding: data, as: UTF8.self)
    }

    /// A JSON object given on the command line, or read from a file when it starts with `@`.
    static func object(_ text: String, option: String) throws -> [String: Any] {
        let source = text.hasPrefix("@") ? try String(contentsOfFile: String(text.dropFirst()), encoding: .utf8) : text
        guard let object = (try? JSONSerialization.jsonObject(with: Data(source.utf8))) as? [String: Any] else {
            throw ValidationError("\(option) must be a JSON object (or @file holding one)")
        }
        return object
    }

    /// A path segment, percent-encoded.
    static func segment(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? text
    }
}

import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Posts one webhook request and answers the status: the one thing delivery needs of HTTP (a test
/// can stand in for it).
public protocol WebhookClient: Sendable {
    func post(url: String, headers: [(String, String)], body: [UInt8], timeout: Duration) async throws -> Int
}

/// ``WebhookClient`` over AsyncHTTPClient's shared client (which lives as long as the process).
public struct HTTPWebhookClient: WebhookClient {
    private let client = HTTPClient.shared

    public init() {}

    public func post(url: String, headers: [(String, String)], body: [UInt8], timeout: Duration) async throws -> Int {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let milliseconds = timeout.components.seconds * 1_000 + timeout.components.attoseconds / 1_000_000_000_000_000
        let response = try await client.execute(request, timeout: .milliseconds(milliseconds))
        // The body is not needed, but must be read for the connection to be reused.
        _ = try? await response.body.collect(upTo: 64 * 1024)
        return Int(response.status.code)
    }
}

import Foundation
import Hummingbird

/// A JSON response from plain values.
func json(_ value: [String: any Sendable], status: HTTPResponse.Status = .ok, contentType: String = "application/json") throws -> Response {
    let data = try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes])
    return Response(status: status, headers: [.contentType: contentType], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
}

/// A response whose body is ready-made text.
func text(_ body: String, contentType: String, status: HTTPResponse.Status = .ok, headers extra: HTTPFields = [:]) -> Response {
    var headers: HTTPFields = [.contentType: contentType]
    headers.append(contentsOf: extra)
    return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
}

extension HTTPFields.Element.Name {
    /// OGC API Features Part 2: the CRS of the geometries in the body.
    static let contentCrs = HTTPFields.Element.Name("Content-Crs")!
}

extension Request {
    /// `http://host:port` as the client addressed it.
    var baseURL: String {
        "http://\(head.authority ?? "localhost")"
    }
}

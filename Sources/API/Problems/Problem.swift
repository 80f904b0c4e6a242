import Foundation
import Hummingbird

/// An RFC 9457 problem: every 4xx and 5xx answer of the API has this JSON body
/// (`application/problem+json`), with a detail a user can act on.
public struct Problem: HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var title: String
    public var detail: String
    public var type: String
    /// Extra response headers, e.g. `Retry-After` on a 503.
    public var headers: HTTPFields = [:]

    public init(_ status: HTTPResponse.Status, detail: String, type: String = "about:blank", headers: HTTPFields = [:]) {
        self.status = status
        self.title = status.reasonPhrase
        self.detail = detail
        self.type = type
        self.headers = headers
    }

    public static func badRequest(_ detail: String) -> Problem { Problem(.badRequest, detail: detail) }
    public static func notFound(_ detail: String) -> Problem { Problem(.notFound, detail: detail) }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body: [String: any Sendable] = [
            "type": type, "title": title, "status": Int(status.code), "detail": detail, "instance": request.uri.path,
        ]
        let data = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys, .withoutEscapingSlashes])
        var fields: HTTPFields = [.contentType: "application/problem+json"]
        fields.append(contentsOf: headers)
        return Response(
            status: status, headers: fields,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

import HTTPTypes
import Hummingbird

/// Reads query strings as browsers, HTML forms and Python's `urlencode` write them
/// (`application/x-www-form-urlencoded`): a `+` is a space, so `filter=name+LIKE+'武%25'` is the
/// filter `name LIKE '武%'`. Hummingbird decodes only `%XX` escapes, so every `+` of the query is
/// rewritten to `%20` before any route reads a parameter; a literal plus arrives as `%2B` and stays one.
struct FormQueryMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let path = request.head.path, let rewritten = Self.spacesForPluses(in: path) else {
            return try await next(request, context)
        }
        var head = request.head
        head.path = rewritten
        return try await next(Request(head: head, body: request.body), context)
    }

    /// The request target with every `+` after its `?` written `%20`, or `nil` when it has none.
    static func spacesForPluses(in target: String) -> String? {
        guard let question = target.utf8.firstIndex(of: UInt8(ascii: "?")),
            target.utf8[question...].contains(UInt8(ascii: "+"))
        else { return nil }
        let query = target[question...].replacing("+", with: "%20")
        return String(target[..<question]) + query
    }
}

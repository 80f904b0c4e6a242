import Hummingbird

/// Refuses a request whose header section is larger than `--max-header-bytes` with a 431 problem.
/// The HTTP decoder's own hard cap (`APIServer`) sits above this limit, so a client normally gets
/// this problem rather than a bare 400 and a closed connection.
struct HeaderLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    let maximumBytes: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // Each field as written on the wire: "name: value\r\n".
        let size = request.headers.reduce(0) { $0 + $1.name.rawName.utf8.count + $1.value.utf8.count + 4 }
        guard size <= maximumBytes else {
            throw Problem(
                .requestHeaderFieldsTooLarge,
                detail: "the request headers are \(size) bytes, more than the limit of \(maximumBytes) bytes (--max-header-bytes)")
        }
        return try await next(request, context)
    }
}

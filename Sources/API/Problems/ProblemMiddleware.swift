import Hummingbird
import Logging

/// Turns every error a route throws into a problem response; unexpected errors become a 500 whose
/// detail hides internals (they are logged instead).
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let problem as Problem {
            throw problem
        } catch let error as HTTPError {
            let detail = error.body ?? (error.status == .notFound ? "no resource at \(request.uri.path)" : error.status.reasonPhrase)
            throw Problem(error.status, detail: detail)
        } catch let error as any HTTPResponseError {
            throw Problem(error.status, detail: "\(error)")
        } catch {
            context.logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(String(reflecting: error))"])
            throw Problem(.internalServerError, detail: "the server failed to answer this request; the error is in its log")
        }
    }
}

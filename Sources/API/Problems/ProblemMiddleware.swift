import CQL2
import GeoVocabulary
import Hummingbird
import Kafka
import Logging
import ReadModel

/// Turns every error a route throws into a problem response; unexpected errors become a 500 whose
/// detail hides internals (they are logged instead). Query errors of the feature store and of CQL2
/// are the client's: 400 (404 for an unknown collection or feature, 413 over a limit).
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let problem as Problem {
            throw problem
        } catch let error as FeatureStoreError {
            switch error.kind {
            case .badRequest: throw Problem(.badRequest, detail: error.message)
            case .notFound: throw Problem(.notFound, detail: error.message)
            case .tooLarge: throw Problem(.contentTooLarge, detail: error.message)
            case .conflict: throw Problem(.conflict, detail: error.message)
            }
        } catch let error as ParameterError {
            throw Problem(.badRequest, detail: error.message)
        } catch let error as KafkaError where error.isRecordRefused {
            // The event log cannot take what was sent (one event larger than the broker accepts).
            throw Problem(.contentTooLarge, detail: "the event log refused the event this request makes: \(error.message); send smaller parts")
        } catch let error as CQL2Error {
            throw Problem(.badRequest, detail: error.message)
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

import Hummingbird
import Logging
import Projections

/// `GET /metrics`: the process's metrics and every projection's and processor's consumer lag, in
/// Prometheus text format.
struct MetricsRoute: Sendable {
    let context: APIContext
    let logger: Logger

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/metrics") { _, _ in
            var text = context.metrics?.emitToString() ?? ""
            if let producer = context.producer, let kafka = context.kafka {
                do {
                    let entries = try await ConsumerLag(client: context.database, admin: producer.admin, kafka: kafka, logger: logger)
                        .measure(processors: context.processors)
                    text += ConsumerLag.prometheus(entries)
                } catch {
                    logger.warning("consumer lag not measured", metadata: ["error": "\(error)"])
                }
            }
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
    }
}

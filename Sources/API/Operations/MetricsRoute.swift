import Hummingbird
import Logging
import Projections

/// `GET /metrics`: the process's metrics and every projection's and processor's consumer lag, in
/// Prometheus text format. Lag comes from the background ``ConsumerLagMonitor`` (a few seconds
/// old at most), so a scrape does no broker or database round trip.
struct MetricsRoute: Sendable {
    let context: APIContext

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/metrics") { _, _ in
            let text = (context.metrics?.emitToString() ?? "") + (context.lag?.prometheus ?? "")
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
    }
}

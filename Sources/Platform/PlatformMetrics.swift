import CoreMetrics
import Prometheus

/// The process's metrics registry: every swift-metrics metric (Kafka client, projections, HTTP) lands
/// here, and the API and each node's metrics port export it in Prometheus text format on `/metrics`.
public enum PlatformMetrics {
    public static let registry = PrometheusCollectorRegistry()

    /// Hummingbird's request metrics under the platform's names: `shikong_http_requests_total`,
    /// `shikong_http_request_duration_seconds` (histogram) and `shikong_http_request_errors_total`,
    /// labelled by `route` (the route template, e.g. `/collections/{collection}/items`, so the number
    /// of series stays bounded), `method` and `status`; `shikong_http_active_requests` by `method`.
    static let renamed: [String: String] = [
        "hb.requests": "shikong_http_requests_total",
        "http.server.request.duration": "shikong_http_request_duration_seconds",
        "hb.request.errors": "shikong_http_request_errors_total",
        "http.server.active_requests": "shikong_http_active_requests",
    ]
    static let relabelled: [String: String] = [
        "http.route": "route", "http.request.method": "method", "http.response.status_code": "status", "error.type": "status",
    ]

    private static let bootstrapped: Void = {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.nameAndLabelSanitizer = { name, labels in
            (renamed[name] ?? name, labels.map { (relabelled[$0.0] ?? $0.0, $0.1) })
        }
        MetricsSystem.bootstrap(factory)
    }()

    /// Routes swift-metrics to the registry; safe to call more than once.
    public static func bootstrap() {
        _ = bootstrapped
    }
}

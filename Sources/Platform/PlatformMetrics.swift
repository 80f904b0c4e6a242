import CoreMetrics
import Prometheus

/// The process's metrics registry: every swift-metrics metric (Kafka client, projections, HTTP) lands
/// here, and the API exports it in Prometheus text format on `/metrics`.
public enum PlatformMetrics {
    public static let registry = PrometheusCollectorRegistry()

    private static let bootstrapped: Void = {
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
    }()

    /// Routes swift-metrics to the registry; safe to call more than once.
    public static func bootstrap() {
        _ = bootstrapped
    }
}

import Events
import Hummingbird
import Logging
import PostgresNIO
import Prometheus

/// A node's own `/metrics` and `/health` on its metrics port (`--metrics-port`), for the stage
/// commands that serve no HTTP API (`ingest`, `process`, `project`) and for `serve` and `up` beside
/// their API. Unauthenticated, like any Prometheus target: bind it to an address only the monitoring
/// network reaches (`--metrics-host`).
public enum OperationsServer {
    /// What the endpoints report.
    public struct Parts: Sendable {
        public var metrics: PrometheusCollectorRegistry
        public var readiness: Readiness?
        public var dependencies: DependencyHealth?
        public var node: NodeIdentity?
        public var database: PostgresClient?

        public init(
            metrics: PrometheusCollectorRegistry, readiness: Readiness? = nil, dependencies: DependencyHealth? = nil, node: NodeIdentity? = nil,
            database: PostgresClient? = nil
        ) {
            self.metrics = metrics
            self.readiness = readiness
            self.dependencies = dependencies
            self.node = node
            self.database = database
        }
    }

    /// The server, a `Service` to run in the node's service group.
    public static func application(host: String, port: Int, parts: Parts, logger: Logger) -> some ApplicationProtocol & Sendable {
        let router = Router()
        router.add(middleware: ProblemMiddleware())
        router.get("/metrics") { _, _ in MetricsRoute.response(parts.metrics.emitToString()) }
        router.get("/health") { _, _ in
            try await HealthCheck(
                client: parts.database, readiness: parts.readiness, dependencies: parts.dependencies, node: parts.node, logger: logger
            ).response()
        }
        return Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: "shikong-metrics"), logger: logger)
    }
}

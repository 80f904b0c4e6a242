import ArgumentParser
import Platform

/// How a stage process makes itself observable (`ingest`, `process`, `project`, `serve`, `up`).
struct NodeOptions: ParsableArguments {
    @Option(
        help: """
            Port of this node's own /metrics (Prometheus text) and /health (Kafka, PostgreSQL and MQTT reachability; 503 when one \
            this node's roles need is down), without a token: give every node its own. Default: none (serve and up also answer both \
            on the API port). Env SHIKONG_METRICS_PORT.
            """)
    var metricsPort: Int?

    @Option(help: "Address the metrics port listens on: one only the monitoring network reaches. Env SHIKONG_METRICS_HOST.")
    var metricsHost: String = env("SHIKONG_METRICS_HOST", "127.0.0.1")

    @Option(
        help:
            "Seconds between this node's heartbeats (platform_nodes, listed by GET /nodes and shikong status); it counts as lost after three missed."
    )
    var heartbeatInterval = 5.0

    @Option(
        name: .customLong("node-id"),
        help: "This node's id among the platform's nodes. Default: instance/roles@host:metrics-port (or #pid without a metrics port).")
    var nodeID: String?

    /// Puts these options into `configuration`.
    func apply(to configuration: inout PlatformConfiguration) throws {
        let metricsPort = try metricsPort ?? Self.environmentPort()
        if let metricsPort, !(1...65535).contains(metricsPort) { throw ValidationError("--metrics-port must be from 1 to 65535, not \(metricsPort)") }
        guard heartbeatInterval >= 0.1 else { throw ValidationError("--heartbeat-interval must be at least 0.1 seconds, not \(heartbeatInterval)") }
        configuration.node.metricsPort = metricsPort
        configuration.node.metricsHost = metricsHost
        configuration.node.heartbeatInterval = .milliseconds(Int64(heartbeatInterval * 1_000))
        configuration.node.id = nodeID
    }

    private static func environmentPort() throws -> Int? {
        let text = env("SHIKONG_METRICS_PORT", "")
        guard !text.isEmpty else { return nil }
        guard let port = Int(text) else { throw ValidationError("SHIKONG_METRICS_PORT must be a port number, not \(text)") }
        return port
    }
}

/// How a process makes itself observable: its own metrics port, its heartbeat and its name.
public struct NodeSettings: Sendable {
    /// Address of the node's own `/metrics` and `/health` (`--metrics-host`).
    public var metricsHost = "127.0.0.1"
    /// Port of the node's own `/metrics` and `/health` (`--metrics-port`); `nil`: none (`serve` and
    /// `up` still have them on the API port).
    public var metricsPort: Int?
    /// How often the node writes its heartbeat (`--heartbeat-interval`); it counts as lost after three missed.
    public var heartbeatInterval: Duration = .seconds(5)
    /// The node's id in `platform_nodes` (`--node-id`); `nil`: `instance/roles@host:port` (see `NodeIdentity.defaultID`).
    public var id: String?

    public init() {}
}

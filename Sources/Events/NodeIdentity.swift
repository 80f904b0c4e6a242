import Foundation

/// Who a running process is, as its heartbeat announces it and its `/health` names it.
public struct NodeIdentity: Sendable, Hashable {
    /// The platform's version, announced by every node.
    public static let platformVersion = "0.15.0"

    /// Unique among the platform's nodes and stable across restarts of the same node (see ``defaultID``).
    public var id: String
    /// The `--instance` name (prefix of its consumer groups).
    public var instance: String
    /// What it runs: `ingest`, `process`, `project`, `serve`.
    public var roles: [String]
    public var version: String
    public var host: String
    public var pid: Int32
    /// The port of its `/metrics` and `/health` (`--metrics-port`), when it has one of its own.
    public var metricsPort: Int?
    /// The port of its HTTP API, when it serves one.
    public var httpPort: Int?
    public var startedAt: Date

    public init(
        id: String? = nil, instance: String, roles: [String], version: String = Self.platformVersion, host: String = ProcessInfo.processInfo.hostName,
        pid: Int32 = ProcessInfo.processInfo.processIdentifier, metricsPort: Int? = nil, httpPort: Int? = nil, startedAt: Date = Date()
    ) {
        let roles = roles.sorted()
        self.id = id ?? Self.defaultID(instance: instance, roles: roles, host: host, pid: pid, port: metricsPort ?? httpPort)
        self.instance = instance
        self.roles = roles
        self.version = version
        self.host = host
        self.pid = pid
        self.metricsPort = metricsPort
        self.httpPort = httpPort
        self.startedAt = startedAt
    }

    /// `instance/roles@host:port` — the same after a restart on the same port, so a restarted node
    /// takes its own row over; without a fixed port, the process id stands in (`…@host#pid`).
    public static func defaultID(instance: String, roles: [String], host: String, pid: Int32, port: Int?) -> String {
        let base = "\(instance)/\(roles.sorted().joined(separator: "+"))@\(host)"
        if let port, port > 0 { return "\(base):\(port)" }
        return "\(base)#\(pid)"
    }
}

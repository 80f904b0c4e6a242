import Events
import Foundation
import Hummingbird
import ReadModel

/// `GET /nodes`: every node of the platform as its last heartbeat described it — roles, version,
/// host, ports, the partitions its consumers hold with their lag — and its state: `up`, `lost` (no
/// heartbeat within its `lost_after_seconds`, three of its intervals) or `stopped` (it said so).
/// `?state=lost` lists only the lost ones.
struct NodeRoutes: Sendable {
    let reads: NodeReads

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/nodes") { request, _ in
            let state = request.uri.queryParameters.get("state")
            if let state, NodeReads.Node.State(rawValue: state) == nil {
                throw Problem.badRequest("state is up, lost or stopped, not \(state)")
            }
            let nodes = try await reads.all().filter { state == nil || $0.state.rawValue == state }
            return try json([
                "numberReturned": nodes.count,
                "lost": nodes.filter { $0.state == .lost }.count,
                "nodes": nodes.map(Self.document),
                "links": [["href": request.url("/nodes"), "rel": "self", "type": "application/json"]],
            ])
        }
    }

    static func document(_ node: NodeReads.Node) -> [String: any Sendable] {
        var document: [String: any Sendable] = [
            "id": node.id, "instance": node.instance, "roles": node.roles, "version": node.version, "host": node.host, "pid": node.pid,
            "state": node.state.rawValue, "lag": node.lag, "started_at": Timestamp.format(node.startedAt),
            "last_heartbeat": Timestamp.format(node.heartbeatAt), "heartbeat_age_seconds": node.heartbeatAgeSeconds,
            "heartbeat_interval_seconds": node.heartbeatIntervalSeconds, "lost_after_seconds": node.lostAfterSeconds,
            "partitions": node.partitions.map { partition -> [String: any Sendable] in
                var entry: [String: any Sendable] = ["group": partition.group, "topic": partition.topic, "partition": Int(partition.partition)]
                if let lag = partition.lag { entry["lag"] = lag }
                return entry
            },
        ]
        if let port = node.metricsPort { document["metrics_port"] = port }
        if let port = node.httpPort { document["http_port"] = port }
        if let stopped = node.stoppedAt { document["stopped_at"] = Timestamp.format(stopped) }
        return document
    }
}

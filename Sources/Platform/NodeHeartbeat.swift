import Events
import Foundation
import Kafka
import Logging
import PostgresNIO
import ReadModel
import ServiceLifecycle

/// Announces this process in `platform_nodes`: every `interval` it upserts its row — identity,
/// roles, version, ports, the partitions its consumers hold with their lag — and on a graceful stop
/// it marks the row stopped. A node whose heartbeat is older than `lostAfter` is shown as lost.
///
/// A table rather than a topic: readers (`GET /nodes`, `shikong status`, alert metrics) need only
/// each node's latest beat, which one indexed query answers; on a topic they would have to read the
/// tail on every request, or rely on compaction, which the local broker does not enforce.
public final class NodeHeartbeat: Service {
    let identity: NodeIdentity
    let client: PostgresClient
    let interval: Duration
    let lostAfter: Duration
    let logger: Logger

    public init(identity: NodeIdentity, client: PostgresClient, interval: Duration, lostAfter: Duration? = nil, logger: Logger) {
        self.identity = identity
        self.client = client
        self.interval = interval
        self.lostAfter = lostAfter ?? interval * 3
        self.logger = logger
    }

    public func run() async throws {
        var failures = 0
        var pruned = false
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await beat()
                if !pruned {
                    // Nodes gone for a day are history, not operations.
                    try await client.query("DELETE FROM platform_nodes WHERE heartbeat_at < now() - interval '1 day'", logger: logger)
                    pruned = true
                }
                if failures > 0 { logger.info("heartbeat written again", metadata: ["failed beats": "\(failures)"]) }
                failures = 0
            } catch {
                // The first failure, then one in twenty: PostgreSQL being away must not flood the log.
                if failures % 20 == 0 {
                    logger.warning("heartbeat not written; this node looks lost to the others", metadata: ["error": "\(String(reflecting: error))"])
                }
                failures += 1
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.interval) }
        }
        do {
            try await client.query(
                "UPDATE platform_nodes SET stopped_at = now(), heartbeat_at = now() WHERE node_id = \(identity.id)", logger: logger)
        } catch {
            logger.notice("stop not announced; the node shows as lost until its row is pruned", metadata: ["error": "\(error)"])
        }
    }

    /// Writes the row once.
    func beat() async throws {
        let held = ConsumerAssignments.current
        let partitions = held.map {
            NodeReads.Partition(group: $0.group, topic: $0.partition.topic, partition: $0.partition.partition, lag: $0.lag)
        }
        let json = String(decoding: try JSONEncoder().encode(partitions), as: UTF8.self)
        let lag = held.compactMap(\.lag).reduce(0, +)
        let node = identity
        try await client.query(
            """
            INSERT INTO platform_nodes (node_id, instance, roles, version, host, pid, metrics_port, http_port, partitions, lag, started_at,
                                        heartbeat_at, heartbeat_interval_seconds, lost_after_seconds, stopped_at)
            VALUES (\(node.id), \(node.instance), \(node.roles), \(node.version), \(node.host), \(Int(node.pid)), \(node.metricsPort),
                    \(node.httpPort), \(json)::jsonb, \(lag), \(node.startedAt), now(), \(interval.inSeconds), \(lostAfter.inSeconds), NULL)
            ON CONFLICT (node_id) DO UPDATE SET instance = EXCLUDED.instance, roles = EXCLUDED.roles, version = EXCLUDED.version,
                host = EXCLUDED.host, pid = EXCLUDED.pid, metrics_port = EXCLUDED.metrics_port, http_port = EXCLUDED.http_port,
                partitions = EXCLUDED.partitions, lag = EXCLUDED.lag, started_at = EXCLUDED.started_at, heartbeat_at = now(),
                heartbeat_interval_seconds = EXCLUDED.heartbeat_interval_seconds, lost_after_seconds = EXCLUDED.lost_after_seconds,
                stopped_at = NULL
            """, logger: logger)
    }
}

extension Duration {
    /// The duration in (fractional) seconds.
    var inSeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

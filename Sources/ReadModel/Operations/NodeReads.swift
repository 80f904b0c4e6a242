import Foundation
import Logging
import PostgresNIO

/// Reads of `platform_nodes`, the heartbeats every process writes: what `GET /nodes`, the API's
/// `/metrics` and `shikong status` show.
public struct NodeReads: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// One partition a node's consumer holds, with its lag as last sampled.
    public struct Partition: Sendable, Codable, Hashable {
        public var group: String
        public var topic: String
        public var partition: Int32
        public var lag: Int64?

        public init(group: String, topic: String, partition: Int32, lag: Int64?) {
            self.group = group
            self.topic = topic
            self.partition = partition
            self.lag = lag
        }
    }

    /// A node as its last heartbeat described it.
    public struct Node: Sendable {
        public enum State: String, Sendable {
            /// Its heartbeat is recent.
            case up
            /// Its heartbeat is older than its `lostAfter`: crashed, hung, or cut off from PostgreSQL.
            case lost
            /// It said it stopped (a graceful shutdown).
            case stopped
        }

        public var id: String
        public var instance: String
        public var roles: [String]
        public var version: String
        public var host: String
        public var pid: Int
        public var metricsPort: Int?
        public var httpPort: Int?
        public var partitions: [Partition]
        public var lag: Int64
        public var startedAt: Date
        public var heartbeatAt: Date
        /// Seconds since the last heartbeat, by the database's clock (the same clock that stamped it).
        public var heartbeatAgeSeconds: Double
        public var heartbeatIntervalSeconds: Double
        public var lostAfterSeconds: Double
        public var stoppedAt: Date?

        public var state: State {
            if stoppedAt != nil { return .stopped }
            return heartbeatAgeSeconds > lostAfterSeconds ? .lost : .up
        }
    }

    /// Every node that announced itself in the last day (older rows are pruned by the nodes themselves).
    public func all() async throws -> [Node] {
        let rows = try await client.query(
            """
            SELECT node_id, instance, roles, version, host, pid, metrics_port, http_port, partitions::text, lag, started_at,
                   heartbeat_at, extract(epoch FROM now() - heartbeat_at)::float8, heartbeat_interval_seconds, lost_after_seconds, stopped_at
            FROM platform_nodes ORDER BY node_id
            """, logger: logger)
        var nodes: [Node] = []
        for try await row in rows {
            let (
                id, instance, roles, version, host, pid, metricsPort, httpPort, partitions, lag, started, heartbeat, age, interval, lostAfter, stopped
            ) =
                try row.decode(
                    (String, String, [String], String, String, Int, Int?, Int?, String, Int64, Date, Date, Double, Double, Double, Date?).self)
            nodes.append(
                Node(
                    id: id, instance: instance, roles: roles, version: version, host: host, pid: pid, metricsPort: metricsPort, httpPort: httpPort,
                    partitions: (try? JSONDecoder().decode([Partition].self, from: Data(partitions.utf8))) ?? [], lag: lag, startedAt: started,
                    heartbeatAt: heartbeat, heartbeatAgeSeconds: age, heartbeatIntervalSeconds: interval, lostAfterSeconds: lostAfter,
                    stoppedAt: stopped))
        }
        return nodes
    }
}

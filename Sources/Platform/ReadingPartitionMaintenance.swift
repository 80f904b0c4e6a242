import Foundation
import Logging
import PostgresNIO
import Projections
import ServiceLifecycle

/// Keeps `sensor_readings` partitioned in the projection stage: at start and then every `interval`,
/// records the node's policy and runs the maintenance pass (partitions ahead, the default partition
/// emptied into partitions of their own, partitions past the retention horizon dropped). Several
/// nodes may run it: one pass at a time holds the lock, the others skip that round.
struct ReadingPartitionMaintenance: Service {
    let partitions: ReadingPartitions
    let policy: ReadingPartitionPolicy
    let node: String
    let interval: Duration
    let logger: Logger

    init(client: PostgresClient, policy: ReadingPartitionPolicy, node: String, interval: Duration = .seconds(3_600), logger: Logger) {
        partitions = ReadingPartitions(client: client, logger: logger)
        self.policy = policy
        self.node = node
        self.interval = interval
        self.logger = logger
    }

    func run() async throws {
        var failing = false
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            var pause = interval
            do {
                try await partitions.record(policy, by: node)
                let report = try await partitions.maintain(policy)
                if !report.created.isEmpty {
                    logger.info("reading partitions made", metadata: ["partitions": "\(report.created.joined(separator: ", "))"])
                }
                failing = false
            } catch {
                if !failing { logger.warning("reading partitions not maintained; retrying", metadata: ["error": "\(String(reflecting: error))"]) }
                failing = true
                pause = .seconds(60)
            }
            let wait = pause
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: wait) }
        }
    }
}

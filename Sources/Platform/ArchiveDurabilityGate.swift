import Database
import Foundation
import Ingest
import Kafka
import Logging
import PostgresNIO
import Projections
import ServiceLifecycle
import Synchronization

/// Holds acknowledgements to a source until the event archive holds the record: with the local
/// broker, whose log lives in memory, the archive is what survives a crash. It watches the archive's
/// stored positions and answers every waiter whose offset they passed. When the archive projection
/// runs in the same process it tells the gate what it committed (`archived`), so acknowledgements go
/// out as soon as the transaction is durable; the gate then reads `projection_positions` only now and
/// then, for partitions archived elsewhere.
public final class ArchiveDurabilityGate: DurabilityGate, Service {
    private struct Waiter {
        var delivery: KafkaDelivery
        var since: ContinuousClock.Instant
        var completion: @Sendable (Bool) -> Void
    }

    private let client: PostgresClient
    private let timeout: Duration
    private let logger: Logger
    private let state = Mutex<(archived: [TopicPartition: Int64], waiters: [Waiter], running: Bool, told: Bool)>(([:], [], true, false))

    public init(client: PostgresClient, timeout: Duration = .seconds(45), logger: Logger) {
        self.client = client
        self.timeout = timeout
        self.logger = logger
    }

    public func whenDurable(_ delivery: KafkaDelivery, completion: @escaping @Sendable (Bool) -> Void) {
        let partition = TopicPartition(topic: delivery.topic, partition: delivery.partition)
        let answer: Bool? = state.withLock { state in
            guard state.running else { return false }
            if let archived = state.archived[partition], archived > delivery.offset { return true }
            state.waiters.append(Waiter(delivery: delivery, since: .now, completion: completion))
            return nil
        }
        if let answer { completion(answer) }
    }

    /// The archive committed these positions (next offsets) in this process: settle who waits on them.
    public func archived(_ positions: [TopicPartition: Int64]) {
        state.withLock { state in
            state.told = true
            for (partition, next) in positions where next > state.archived[partition] ?? 0 { state.archived[partition] = next }
        }
        settle(with: nil)
    }

    public func run() async throws {
        var failing = false
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let (waiting, told) = state.withLock { (!$0.waiters.isEmpty, $0.told) }
            if waiting {
                do {
                    let archived = try await archivePositions()
                    if failing {
                        failing = false
                        logger.notice("archive positions readable again")
                    }
                    settle(with: archived)
                } catch {
                    if !failing { logger.warning("cannot read archive positions; holding acknowledgements", metadata: ["error": "\(error)"]) }
                    failing = true
                    settle(with: nil)
                }
            }
            try? await Task.sleep(for: .milliseconds(told ? 250 : waiting ? 10 : 25))
        }
        let left = state.withLock { state in
            state.running = false
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in left { waiter.completion(false) }
    }

    private func settle(with archived: [TopicPartition: Int64]?) {
        let now = ContinuousClock.now
        let (durable, expired): ([Waiter], [Waiter]) = state.withLock { state in
            if let archived {
                for (partition, next) in archived where next > state.archived[partition] ?? 0 { state.archived[partition] = next }
            }
            var durable: [Waiter] = []
            var expired: [Waiter] = []
            var waiting: [Waiter] = []
            for waiter in state.waiters {
                let partition = TopicPartition(topic: waiter.delivery.topic, partition: waiter.delivery.partition)
                if let end = state.archived[partition], end > waiter.delivery.offset {
                    durable.append(waiter)
                } else if now - waiter.since > timeout {
                    expired.append(waiter)
                } else {
                    waiting.append(waiter)
                }
            }
            state.waiters = waiting
            return (durable, expired)
        }
        for waiter in durable { waiter.completion(true) }
        if !expired.isEmpty {
            logger.warning("events not archived in time; their sources will redeliver them", metadata: ["count": "\(expired.count)"])
        }
        for waiter in expired { waiter.completion(false) }
    }

    private func archivePositions() async throws -> [TopicPartition: Int64] {
        try await ProjectionPositions(projection: ArchiveProjection.projectionName).all(client: client, logger: logger)
    }
}

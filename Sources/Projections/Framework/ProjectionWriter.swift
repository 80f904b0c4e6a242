import Database
import CoreMetrics
import Events
import Foundation
import Kafka
import Logging
import PostgresNIO
import ServiceLifecycle

/// Applies batches of one projection exactly once: dead letters first (acknowledged by the broker),
/// then rows and the consumed positions in one transaction.
///
/// - A database that is unreachable or restarting is waited for: the same transaction is retried
///   with backoff until it commits (rows are keyed by event id, so a retry after an unknown outcome is
///   harmless).
/// - A record whose data the database refuses is found by splitting the batch, and becomes a dead
///   letter with the database's reason; the rest of the batch is applied.
/// - Live writes take the projection's lock in shared mode, so a rebuild can switch tables atomically.
struct ProjectionWriter<P: Projection>: Sendable {
    let projection: P
    let client: PostgresClient
    let producer: KafkaProducer
    let deadLetterTopic: String
    let positions: ProjectionPositions
    let tables: ProjectionTables
    let logger: Logger

    func apply(_ batch: [KafkaMessage]) async throws {
        guard !batch.isEmpty else { return }
        let started = ContinuousClock.now
        let (rows, failures) = projection.prepare(batch)
        try await deadLetter(failures.map { ($0.message, $0.reason) })
        switch try await commit(rows, positions: batch.nextPositions) {
        case nil:
            break
        case .some(let reason) where batch.count == 1:
            logger.warning("record refused by the database; sent to the dead-letter topic", metadata: ["reason": "\(reason)"])
            try await deadLetter([(batch[0], "database refused the record: \(reason)")])
            _ = try await commit(projection.prepare([]).rows, positions: batch.nextPositions)
        case .some:
            let middle = batch.count / 2
            try await apply(Array(batch[..<middle]))
            try await apply(Array(batch[middle...]))
            return
        }
        Counter(label: "shikong_projection_applied_total", dimensions: [("projection", projection.name)]).increment(by: batch.count)
        if !failures.isEmpty {
            Counter(label: "shikong_projection_dead_letters_total", dimensions: [("projection", projection.name)]).increment(by: failures.count)
        }
        let elapsed = (ContinuousClock.now - started).components
        Timer(label: "shikong_projection_batch_seconds", dimensions: [("projection", projection.name)])
            .recordNanoseconds(elapsed.seconds * 1_000_000_000 + elapsed.attoseconds / 1_000_000_000)
    }

    /// Commits rows and positions; returns the database's reason when it refuses the data.
    private func commit(_ rows: P.Rows, positions next: [TopicPartition: Int64]) async throws -> String? {
        var backoff = Duration.milliseconds(200)
        var waitingSince: ContinuousClock.Instant?
        while true {
            do {
                try await client.transaction(logger: logger) { connection in
                    if tables == .live {
                        try await connection.query(
                            "SELECT pg_advisory_xact_lock_shared(4490, hashtext(\(projection.name)))", logger: logger)
                    }
                    try await projection.write(rows, on: connection, tables: tables, logger: logger)
                    try await positions.save(next, on: connection, logger: logger)
                }
                if let waitingSince {
                    logger.notice("database reachable again", metadata: ["waited": "\(ContinuousClock.now - waitingSince)"])
                }
                return nil
            } catch {
                switch DatabaseFailure(error) {
                case .data(let reason):
                    return reason
                case .fatal:
                    logger.error("projection write failed", metadata: ["error": "\(String(reflecting: error))"])
                    throw error
                case .transient:
                    if waitingSince == nil {
                        waitingSince = .now
                        logger.warning("database unavailable; retrying the batch", metadata: ["error": "\(String(reflecting: error))"])
                    }
                    if Task.isCancelled { throw error }
                    if Task.isShuttingDownGracefully, let since = waitingSince, ContinuousClock.now - since > .seconds(30) { throw error }
                    try? await Task.sleep(for: backoff)
                    backoff = min(backoff * 2, .seconds(5))
                }
            }
        }
    }

    func deadLetter(_ failures: [(KafkaMessage, String)]) async throws {
        guard !failures.isEmpty else { return }
        let records = try failures.map { message, reason in
            try DeadLetter(
                failed: message, stage: projection.stage, reason: reason, eventID: message.header("ce_id").flatMap(UUID.init(canonical:))
            ).record(topic: deadLetterTopic)
        }
        try await producer.sendAll(records)
    }
}

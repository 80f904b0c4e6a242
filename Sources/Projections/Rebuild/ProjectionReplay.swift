import Database
import Events
import Foundation
import Kafka
import Logging
import PostgresNIO

/// Re-applies the archived events a projection reads, recorded since a time, to its live tables:
/// the repair for a projection that missed or mis-applied events (effects are keyed by event id, so
/// what is already there stays as it is). Broker time seeks cannot be trusted, so the archive says
/// which events were recorded when.
public struct ProjectionReplay<P: Projection>: Sendable {
    let projection: P
    let client: PostgresClient
    let producer: KafkaProducer
    let deadLetterTopic: String
    let logger: Logger

    public init(projection: P, client: PostgresClient, producer: KafkaProducer, deadLetterTopic: String = Topics.deadLetters, logger: Logger) {
        self.projection = projection
        self.client = client
        self.producer = producer
        self.deadLetterTopic = deadLetterTopic
        self.logger = logger
    }

    /// Returns how many events were re-applied.
    public func run(from: Date, until: Date? = nil, progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }) async throws -> Int {
        let reader = ArchiveReader(client: client, logger: logger)
        let range = ArchiveReader.TimeRange(from: from, until: until)
        let positions = ProjectionPositions(projection: projection.name + "__replay")
        let writer = ProjectionWriter(
            projection: projection, client: client, producer: producer, deadLetterTopic: deadLetterTopic, positions: positions, tables: .live,
            logger: logger)
        let partitions = try await reader.partitions(of: projection.topics, in: range)
        let total = partitions.reduce(0) { $0 + $1.count }
        var done = 0
        progress(0, total)
        for (partition, _, _) in partitions {
            var after: Int64 = -1
            while true {
                let page = try await reader.page(partition, after: after, limit: 5_000, in: range)
                guard let last = page.last else { break }
                try await writer.apply(page)
                after = last.offset
                done += page.count
                progress(done, total)
            }
        }
        try await client.query("DELETE FROM projection_positions WHERE projection = \(positions.projection)", logger: logger)
        return done
    }
}

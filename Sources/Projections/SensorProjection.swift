import Events
import Foundation
import Kafka
import Logging
import PostgresNIO
import ServiceLifecycle

/// Materialises `sensor.reading` events into `sensor_readings` (every reading) and `sensors_latest`
/// (the newest reading per sensor). Rows and consumed positions are written in one transaction, and
/// rows are keyed by event id (and by sensor and observation time), so a crash at any point leaves
/// neither gaps nor duplicates.
public final class SensorProjection: Service {
    public static let name = "sensors"
    public static let stage = "projections.sensors"

    public struct Configuration: Sendable {
        public var consumer: KafkaConsumerConfiguration
        public var inputTopic: String = Topics.spatialEvents
        public var deadLetterTopic: String = Topics.deadLetters
        public var batchSize: Int = 2_000

        public init(consumer: KafkaConsumerConfiguration) {
            self.consumer = consumer
        }
    }

    private let configuration: Configuration
    private let client: PostgresClient
    private let producer: KafkaProducer
    private let positions = ProjectionPositions(projection: SensorProjection.name)
    private let logger: Logger

    public init(
        configuration: Configuration, client: PostgresClient, producer: KafkaProducer, logger: Logger = Logger(label: "shikong.projection.sensors")
    ) {
        self.configuration = configuration
        self.client = client
        self.producer = producer
        self.logger = logger
    }

    public func run() async throws {
        let consumer = try KafkaConsumer(
            configuration: configuration.consumer, topics: [configuration.inputTopic],
            positions: { [positions, client, logger] partitions in
                Self.resumePositions(partitions, positions: positions, client: client, logger: logger)
            }, logger: logger)
        defer { consumer.close() }
        logger.info("sensor projection started", metadata: ["input": "\(configuration.inputTopic)"])
        var drain = StageDrain()
        while true {
            let batch = try await consumer.poll(maxMessages: configuration.batchSize, timeout: .milliseconds(100))
            if drain.shouldStop(batchIsEmpty: batch.isEmpty) { break }
            guard !batch.isEmpty else { continue }
            try await apply(batch)
            // The group offset only feeds lag monitoring; the position that counts is in PostgreSQL.
            try? await consumer.commit(batch.nextPositions)
        }
        logger.info("sensor projection stopped")
    }

    /// Applies one batch: dead letters first (acknowledged), then rows and positions in one transaction.
    func apply(_ batch: [KafkaMessage]) async throws {
        var readings = SensorReadingBatch()
        var deadLetters: [OutgoingRecord] = []
        for message in batch where message.header("ce_type") == "sensor.reading" {
            do {
                try readings.append(message)
            } catch {
                let letter = DeadLetter(
                    failed: message, stage: Self.stage, reason: error.reason, eventID: message.header("ce_id").flatMap(UUID.init(uuidString:)))
                deadLetters.append(try letter.record(topic: configuration.deadLetterTopic))
            }
        }
        try await producer.sendAll(deadLetters)
        let next = batch.nextPositions
        try await client.withTransaction(logger: logger) { connection in
            if !readings.isEmpty { try await Self.insert(readings, on: connection, logger: logger) }
            try await positions.save(next, on: connection, logger: logger)
        }
    }

    private static func insert(_ readings: SensorReadingBatch, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            """
            WITH incoming AS (
                SELECT * FROM unnest(
                    \(readings.eventIDs)::uuid[], \(readings.sensorIDs)::text[], \(readings.observedAt)::timestamptz[],
                    \(readings.recordedAt)::timestamptz[], \(readings.longitudes)::float8[], \(readings.latitudes)::float8[],
                    \(readings.values)::text[], \(readings.sources)::text[]
                ) AS t(event_id, sensor_id, observed_at, recorded_at, lon, lat, vals, source)
            ), inserted AS (
                INSERT INTO sensor_readings (event_id, sensor_id, observed_at, recorded_at, geom, "values", source)
                SELECT event_id, sensor_id, observed_at, recorded_at, ST_SetSRID(ST_MakePoint(lon, lat), 4490), vals::jsonb, source
                FROM incoming
                ON CONFLICT DO NOTHING
                RETURNING event_id, sensor_id, observed_at, geom, "values"
            )
            INSERT INTO sensors_latest (sensor_id, event_id, observed_at, geom, "values", updated_at)
            SELECT DISTINCT ON (sensor_id) sensor_id, event_id, observed_at, geom, "values", now()
            FROM inserted ORDER BY sensor_id, observed_at DESC
            ON CONFLICT (sensor_id) DO UPDATE
                SET event_id = EXCLUDED.event_id, observed_at = EXCLUDED.observed_at, geom = EXCLUDED.geom,
                    "values" = EXCLUDED."values", updated_at = EXCLUDED.updated_at
                WHERE sensors_latest.observed_at < EXCLUDED.observed_at
            """, logger: logger)
    }

    /// Where to resume each newly assigned partition: the position stored with the rows.
    /// Runs on the consumer's own thread inside librdkafka's rebalance callback, so blocking is safe.
    static func resumePositions(_ partitions: [TopicPartition], positions: ProjectionPositions, client: PostgresClient, logger: Logger)
        -> [TopicPartition: Int64]
    {
        let box = ResultBox<[TopicPartition: Int64]>()
        let done = DispatchSemaphore(value: 0)
        Task {
            box.value = try? await positions.load(partitions, client: client, logger: logger)
            done.signal()
        }
        done.wait()
        guard let stored = box.value else {
            logger.error("cannot read stored positions; resuming from the group offsets")
            return [:]
        }
        return stored
    }
}

/// A value handed from a task to a waiting thread.
private final class ResultBox<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value?
    var value: Value? {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}

import ArgumentParser
import Events
import Foundation
import Kafka
import Processors

/// Writes spatialised readings to a topic, as the spatialiser does (envelope in `ce_*` headers, the
/// event as JSON), for the aggregator and its peers to read.
struct ProduceReadings: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "produce", abstract: "Produce spatialised readings to a topic.")

    @Option(help: "Kafka bootstrap servers.")
    var kafka = "127.0.0.1:19092"
    @Option(help: "The topic (created if missing).")
    var topic = "bench.readings"
    // One partition by default: with several, a consumer reads them in bursts and the aggregator's
    // per-partition watermark marks the lagging partition's events late, while bytewax keeps a clock
    // per key; the two would not count the same events.
    @Option(help: "Partitions of a new topic.")
    var partitions = 1
    @Option(help: "Readings.")
    var messages = 1_000_000
    @Option(help: "Sensors (keys).")
    var sensors = 1_000
    @Option(help: "Event-time span the readings cover, in minutes (one-minute windows).")
    var minutes = 10

    func run() async throws {
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(client: KafkaClientConfiguration(bootstrapServers: kafka)))
        defer { producer.close() }
        _ = try producer.admin.createTopics([TopicSpecification(name: topic, partitions: partitions, configs: ["retention.ms": "-1"])])
        let start = Date(timeIntervalSince1970: 1_795_000_000)
        let step = Double(minutes * 60) / Double(messages)
        var sent = 0
        let began = ContinuousClock.now
        while sent < messages {
            let records = (sent..<min(messages, sent + 10_000)).map { index in
                Self.record(topic: topic, index: index, sensor: index % sensors, time: start.addingTimeInterval(Double(index) * step))
            }
            _ = try await producer.sendAll(records)
            sent += records.count
        }
        print("produced \(sent) readings to \(topic) in \(Fences.milliseconds(ContinuousClock.now - began)) ms")
    }

    static func record(topic: String, index: Int, sensor: Int, time: Date) -> OutgoingRecord {
        let id = EventIDGenerator.contentID(at: time, content: Array("bench|\(index)".utf8))
        let sensorID = "bench-\(sensor)"
        let lon = 114.0 + Double(sensor % 100) * 0.005
        let lat = 30.4 + Double(sensor / 100) * 0.005
        let occurred = Timestamp.format(time)
        let metadata = EventMetadata(
            id: id, type: "sensor.reading", subject: "sensor:\(sensorID)", source: "bench", occurredAt: time, recordedAt: time,
            schema: "shikong/sensor.reading/1")
        let value = """
            {"attributes":{"domain":"iot","industry":"environment","theme":"air-quality"},"data":{"sensor_id":"\(sensorID)","values":{"pm25":\(Double(index % 997) / 10),"no2":\(index % 61)}},"id":"\(id.uuidString.lowercased())","occurred_at":"\(occurred)","recorded_at":"\(occurred)","schema":"shikong/sensor.reading/1","source":"bench","space":{"crs":"EPSG:4490","geometry":{"coordinates":[\(lon),\(lat)],"type":"Point"},"source_coordinates":[\(lon),\(lat)],"source_crs":"EPSG:4326"},"subject":"sensor:\(sensorID)","type":"sensor.reading"}
            """
        return metadata.record(topic: topic, value: Data(value.utf8))
    }
}

/// Runs the aggregator's engine over a topic from its start: one-minute tumbling windows per
/// sensor, as the peers do, until `messages` records were read.
struct Aggregate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Aggregator throughput over a topic (read from the start), on this thread.")

    @Option(help: "Kafka bootstrap servers.")
    var kafka = "127.0.0.1:19092"
    @Option(help: "The topic.")
    var topic = "bench.readings"
    @Option(help: "Records to read.")
    var messages = 1_000_000
    @Option(help: "Statistics: count (as the peers), or all (count, sum, avg, min, max, stddev, p50, p95 of pm25).")
    var statistics = "count"

    func run() async throws {
        var definition = AggregationDefinition(id: "bench", input: topic, window: .init(size: .minutes(1)), groupBy: [.sensor])
        if statistics == "count" {
            definition.values = []
            definition.statistics = [.count]
        } else {
            definition.values = ["pm25"]
        }
        definition.allowedLateness = .zero
        definition.correctionHorizon = .zero
        var engine = AggregationEngine()
        engine.define(["bench": (definition, UUID())])
        engine.finishRebuild()
        let probe = try KafkaProducer(configuration: KafkaProducerConfiguration(client: KafkaClientConfiguration(bootstrapServers: kafka)))
        let partitions = try await probe.admin.fetchPartitionCounts()[topic] ?? 0
        probe.close()
        let positions = Dictionary(uniqueKeysWithValues: (0..<Int32(partitions)).map { (TopicPartition(topic: topic, partition: $0), Int64(0)) })
        let consumer = try KafkaConsumer(
            configuration: KafkaConsumerConfiguration(client: KafkaClientConfiguration(bootstrapServers: kafka), groupID: "live-bench"),
            subscription: .partitions(positions))
        defer { consumer.close() }
        var read = 0
        var windows = 0
        var tooLate = 0
        var started: ContinuousClock.Instant?
        while read < messages {
            let batch = try await consumer.pollRecords(maxMessages: 10_000, timeout: .seconds(5))
            if batch.isEmpty { break }
            let now = ProcessingTime.now()
            if started == nil {
                started = .now
                engine.expect(positions.keys, now: now)
            }
            // As the aggregator stage reads them: in place, the type from the parsed value.
            for record in batch {
                guard let fields = try? SpatialEventFields(record), fields.type == "sensor.reading" else { continue }
                let failures = engine.process(fields, topic: record.topic, partition: record.partition, offset: record.offset, phase: .live, now: now)
                tooLate += failures.count
            }
            read += batch.count
            windows += engine.advance(now: now).count
        }
        let elapsed = ContinuousClock.now - (started ?? .now)
        print(
            "shikong aggregator (\(statistics)): \(read) messages in \(String(format: "%.2f", Fences.seconds(elapsed))) s = \(Fences.rate(read, elapsed)) msgs/s, \(windows) windows emitted + \(engine.windowCount) still open (no watermark passed them; bytewax closes its windows at the end of input), \(tooLate) too late"
        )
    }
}

import Events
import Foundation
import Kafka

/// Where a stateful processor was, and what it held: written to `processors.checkpoints` after the
/// outputs of everything before it were acknowledged, and read back at start. Inputs are resumed at
/// `resume` (for the aggregator, the earliest offset a live window holds, so its windows are rebuilt
/// by re-reading; `reached` is where it had read to). `outputs` are positions of its output topics from
/// which every output of the state it holds can be read back.
public struct Checkpoint<State: Codable & Sendable>: Codable, Sendable {
    public struct Input: Codable, Sendable, Hashable {
        public var topic: String
        public var partition: Int32
        public var resume: Int64
        public var reached: Int64
    }

    public struct Output: Codable, Sendable, Hashable {
        public var topic: String
        public var partition: Int32
        public var offset: Int64
    }

    public var group: String
    public var takenAt: Date
    public var inputs: [Input]
    public var outputs: [Output]
    public var state: State

    public init(group: String, takenAt: Date, inputs: [Input], outputs: [Output], state: State) {
        self.group = group
        self.takenAt = takenAt
        self.inputs = inputs
        self.outputs = outputs
        self.state = state
    }

    enum CodingKeys: String, CodingKey {
        case group, inputs, outputs, state
        case takenAt = "taken_at"
    }

    public var resumePositions: [TopicPartition: Int64] {
        Dictionary(inputs.map { (TopicPartition(topic: $0.topic, partition: $0.partition), $0.resume) }, uniquingKeysWith: min)
    }

    public var reachedPositions: [TopicPartition: Int64] {
        Dictionary(inputs.map { (TopicPartition(topic: $0.topic, partition: $0.partition), $0.reached) }, uniquingKeysWith: max)
    }

    public var outputPositions: [TopicPartition: Int64] {
        Dictionary(outputs.map { (TopicPartition(topic: $0.topic, partition: $0.partition), $0.offset) }, uniquingKeysWith: min)
    }
}

/// Reads and writes checkpoints on `processors.checkpoints` (one partition, keyed by consumer group).
public struct CheckpointStore: Sendable {
    let producer: KafkaProducer
    let kafka: KafkaClientConfiguration
    let topic: String

    public init(producer: KafkaProducer, kafka: KafkaClientConfiguration, topic: String = Topics.checkpoints) {
        self.producer = producer
        self.kafka = kafka
        self.topic = topic
    }

    /// Writes a checkpoint and waits until the broker has it.
    public func save<State: Codable & Sendable>(_ checkpoint: Checkpoint<State>) async throws {
        let value = try EventJSON.encoder().encode(checkpoint)
        let metadata = EventMetadata(
            id: EventIDGenerator.shared.next(at: checkpoint.takenAt), type: "processor.checkpoint", subject: "processor:\(checkpoint.group)",
            source: "shikong://\(checkpoint.group)", occurredAt: checkpoint.takenAt, recordedAt: checkpoint.takenAt,
            schema: "shikong/processor.checkpoint/1")
        var record = metadata.record(topic: topic, value: value)
        record.key = Data(checkpoint.group.utf8)
        _ = try await producer.send(record)
    }

    /// The latest checkpoint of `group`, or `nil` when it has none: read from the end of the topic backwards, a stretch at a time.
    public func latest<State: Codable & Sendable>(group: String, as _: State.Type = State.self) async throws -> Checkpoint<State>? {
        let partition = TopicPartition(topic: topic, partition: 0)
        let probe = try KafkaConsumer(
            configuration: KafkaConsumerConfiguration(client: kafka, groupID: "\(group).checkpoint-reader"), subscription: .partitions([:]))
        let high = try await probe.watermarks(partition).high
        probe.close()
        let stretch: Int64 = 512
        var end = high
        // The broker's high watermark can lag the last records a little: the newest stretch is read to its real end.
        var first = true
        while end > 0 || first {
            let start = max(0, end - stretch)
            if let found: Checkpoint<State> = try await scan(group: group, partition: partition, from: start, to: first ? nil : end) { return found }
            if start == 0 { return nil }
            end = start
            first = false
        }
        return nil
    }

    /// The last checkpoint of `group` in [from, to) (`to` nil: to the end).
    private func scan<State: Codable & Sendable>(group: String, partition: TopicPartition, from: Int64, to: Int64?) async throws -> Checkpoint<State>?
    {
        let consumer = try KafkaConsumer(
            configuration: KafkaConsumerConfiguration(client: kafka, groupID: "\(group).checkpoint-reader"),
            subscription: .partitions([partition: from]))
        defer { consumer.close() }
        let key = Data(group.utf8)
        var found: Data?
        var quiet = 0
        while quiet < 3 {
            let batch = try await consumer.poll(maxMessages: 1_000, timeout: .milliseconds(100))
            quiet = batch.isEmpty ? quiet + 1 : 0
            var done = false
            for message in batch {
                if let to, message.offset >= to {
                    done = true
                    break
                }
                if message.key == key { found = message.value }
            }
            if done { break }
        }
        guard let found else { return nil }
        return try EventJSON.decoder().decode(Checkpoint<State>.self, from: found)
    }
}

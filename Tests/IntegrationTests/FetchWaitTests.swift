import Foundation
import ShikongTesting
import Testing

@testable import Kafka

@Suite("Fetch waits: short only where people watch")
struct FetchWaitTests {
    @Test("a consumer waits 100 ms for a fetch unless made interactive (20 ms); an explicit property still wins")
    func waits() {
        let client = KafkaClientConfiguration(bootstrapServers: "127.0.0.1:1")
        let background = KafkaConsumerConfiguration(client: client, groupID: "g")
        #expect(background.rdKafkaProperties["fetch.wait.max.ms"] == "100")
        #expect(background.interactive().rdKafkaProperties["fetch.wait.max.ms"] == "20")
        #expect(background.interactive().groupID == "g")
        let explicit = KafkaClientConfiguration(bootstrapServers: "127.0.0.1:1", properties: ["fetch.wait.max.ms": "5"])
        #expect(KafkaConsumerConfiguration(client: explicit, groupID: "g").interactive().rdKafkaProperties["fetch.wait.max.ms"] == "5")
    }

    @Test("both waits deliver every record of a topic from the real broker, in order")
    func delivery() async throws {
        let platform = try await TestPlatform.shared()
        let topic = "fetch-wait-\(UUID().uuidString.prefix(8).lowercased())"
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(client: platform.configuration.kafkaClient))
        defer { producer.close() }
        _ = try producer.admin.createTopics([TopicSpecification(name: topic, partitions: 1)])
        let count = 2_000
        _ = try await producer.sendAll((0..<count).map { OutgoingRecord(topic: topic, partition: 0, key: nil, value: Data("\($0)".utf8)) })
        for interactive in [false, true] {
            let base = KafkaConsumerConfiguration(client: platform.configuration.kafkaClient, groupID: "\(topic)-\(interactive)")
            let consumer = try KafkaConsumer(
                configuration: interactive ? base.interactive() : base, subscription: .partitions([TopicPartition(topic: topic, partition: 0): 0]))
            defer { consumer.close() }
            var values: [String] = []
            let deadline = ContinuousClock.now + .seconds(60)
            while values.count < count, ContinuousClock.now < deadline {
                values += try await consumer.poll(maxMessages: 1_000, timeout: .milliseconds(500)).map { String(decoding: $0.value, as: UTF8.self) }
            }
            #expect(values == (0..<count).map(String.init), "interactive: \(interactive)")
        }
    }
}

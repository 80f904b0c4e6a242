import Foundation
import Kafka
import ShikongTesting
import Testing

@Suite("Records read in place")
struct KafkaRecordBatchTests {
    @Test("a batch lends each record's value and headers as poll copies them, in order, none lost or repeated across batches")
    func inPlace() async throws {
        let platform = try await TestPlatform.shared()
        let topic = "in-place-\(UUID().uuidString.prefix(8).lowercased())"
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(client: platform.configuration.kafkaClient))
        defer { producer.close() }
        _ = try producer.admin.createTopics([TopicSpecification(name: topic, partitions: 2)])
        let count = 3_000
        let records = (0..<count).map { index in
            OutgoingRecord(
                topic: topic, partition: Int32(index % 2), key: Data("k\(index)".utf8), value: Data("value \(index) 时空".utf8),
                headers: [
                    KafkaHeader(key: "ce_id", string: "first-\(index)"), KafkaHeader(key: "ce_type", string: "t"),
                    KafkaHeader(key: "ce_id", string: "id-\(index)"),
                ],
                timestampMilliseconds: 1_795_000_000_000 + Int64(index))
        }
        _ = try await producer.sendAll(records)

        let start = [TopicPartition(topic: topic, partition: 0): Int64(0), TopicPartition(topic: topic, partition: 1): Int64(0)]
        let borrowed = try KafkaConsumer(
            configuration: KafkaConsumerConfiguration(client: platform.configuration.kafkaClient, groupID: "in-place-\(topic)"),
            subscription: .partitions(start))
        defer { borrowed.close() }
        var seen: [Int: Int] = [:]
        var nextOffset: [Int32: Int64] = [0: 0, 1: 0]
        var copies: [KafkaMessage] = []
        let deadline = ContinuousClock.now + .seconds(60)
        while seen.count < count, ContinuousClock.now < deadline {
            // Small batches, so records come both from the first wait and from the queue taken in one call.
            let batch = try await borrowed.pollRecords(maxMessages: 700, timeout: .milliseconds(500))
            #expect(batch.count <= 700)
            for record in batch {
                let text = record.withValue { String(decoding: $0, as: UTF8.self) }
                let index = Int(text.split(separator: " ")[1])!
                #expect(text == "value \(index) 时空")
                #expect(record.topic == topic && record.partition == Int32(index % 2))
                #expect(record.offset == nextOffset[record.partition], "offsets of a partition arrive in order, once")
                nextOffset[record.partition] = record.offset + 1
                #expect(record.header("ce_id") == "first-\(index)", "the first header of a name, as KafkaMessage.header")
                #expect(record.header("ce_type") == "t" && record.header("missing") == nil)
                seen[index, default: 0] += 1
                if index % 500 == 0 { copies.append(record.message) }
            }
        }
        #expect(seen.count == count && seen.values.allSatisfy { $0 == 1 })
        // A copy outlives its batch and holds what poll returns.
        for copy in copies {
            let index = Int(String(decoding: copy.value, as: UTF8.self).split(separator: " ")[1])!
            #expect(copy.key == Data("k\(index)".utf8) && copy.timestampMilliseconds == 1_795_000_000_000 + Int64(index))
            #expect(copy.headers.map(\.key) == ["ce_id", "ce_type", "ce_id"] && copy.header("ce_id") == "first-\(index)")
        }
        #expect(copies.count == count / 500)

        let copied = try KafkaConsumer(
            configuration: KafkaConsumerConfiguration(client: platform.configuration.kafkaClient, groupID: "copied-\(topic)"),
            subscription: .partitions(start))
        defer { copied.close() }
        var polled = 0
        while polled < count, ContinuousClock.now < deadline {
            polled += try await copied.poll(maxMessages: 1_000, timeout: .milliseconds(500)).count
        }
        #expect(polled == count)
    }
}

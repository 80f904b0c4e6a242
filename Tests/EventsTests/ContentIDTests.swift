import Events
import Foundation
import Kafka
import Testing

@Suite("Content-derived event ids")
struct ContentIDTests {
    let time = Date(timeIntervalSince1970: 1_795_600_000.123)

    @Test("the same content at the same time gives the same UUIDv7")
    func deterministic() {
        let a = EventIDGenerator.contentID(at: time, content: Array("city/a/air\0{\"pm25\":1}".utf8))
        let b = EventIDGenerator.contentID(at: time, content: Array("city/a/air\0{\"pm25\":1}".utf8))
        #expect(a == b)
        #expect(a.uuidString.lowercased().dropFirst(14).first == "7")
        #expect(["8", "9", "a", "b"].contains(a.uuidString.lowercased().dropFirst(19).first.map(String.init) ?? ""))
        #expect(a.version7Date.map { Timestamp.epochMilliseconds($0) } == Timestamp.epochMilliseconds(time))
    }

    @Test("different content or time gives different ids, ordered by time")
    func distinct() {
        var ids = Set<UUID>()
        for index in 0..<10_000 {
            ids.insert(EventIDGenerator.contentID(at: time, content: Array("city/s-\(index)/air".utf8)))
        }
        #expect(ids.count == 10_000)
        let earlier = EventIDGenerator.contentID(at: time, content: [1])
        let later = EventIDGenerator.contentID(at: time.addingTimeInterval(0.001), content: [0])
        #expect(earlier.uuidString < later.uuidString)
    }

    @Test("a dead letter for the same failure has the same id")
    func deadLetterIDs() {
        let message = KafkaMessage(
            topic: "raw.sensor.readings", partition: 1, offset: 9, key: nil, value: Data("{".utf8), headers: [],
            timestampMilliseconds: 1_795_600_000_000)
        let event = EventIDGenerator.contentID(at: time, content: [1, 2, 3])
        let first = DeadLetter(failed: message, stage: "processors.spatialiser", reason: "one", eventID: event)
        let again = DeadLetter(failed: message, stage: "processors.spatialiser", reason: "two", eventID: event, at: Date())
        let elsewhere = DeadLetter(failed: message, stage: "projections.sensors", reason: "one", eventID: event)
        #expect(first.id == again.id)
        #expect(first.id != elsewhere.id)
        let anonymous = DeadLetter(failed: message, stage: "processors.spatialiser", reason: "x", eventID: nil)
        #expect(anonymous.id == DeadLetter(failed: message, stage: "processors.spatialiser", reason: "y", eventID: nil).id)
    }

    @Test("log fillers are recognised and carry no key or value")
    func fillers() {
        let record = LogFiller.record(topic: "spatial.events", partition: 2)
        #expect(record.partition == 2 && record.key == nil && record.value.isEmpty)
        let message = KafkaMessage(
            topic: record.topic, partition: 2, offset: 0, key: nil, value: record.value, headers: record.headers, timestampMilliseconds: nil)
        #expect(message.isLogFiller)
    }
}

import Events
import Foundation
import Kafka
import Testing

@Suite("DeadLetter")
struct DeadLetterTests {
    /// Not UTF-8: a lone continuation byte, an invalid lead byte and a NUL.
    static let bytes = Data([0x7B, 0x80, 0xFF, 0x00, 0xC3, 0x28, 0x7D])
    static let failedAt = Date(timeIntervalSince1970: 1_795_586_400.5)

    static func failed() -> KafkaMessage {
        KafkaMessage(
            topic: Topics.rawSensorReadings, partition: 2, offset: 41, key: Data("sensor:wh-0001".utf8), value: bytes,
            headers: [
                KafkaHeader(key: "ce_subject", string: "sensor:wh-0001"),
                KafkaHeader(key: "ce_type", string: "sensor.reading"),
            ],
            timestampMilliseconds: 1_795_586_400_000)
    }

    static func letter(eventID: UUID? = nil) -> DeadLetter {
        DeadLetter(
            failed: failed(), stage: "processors.spatialiser", reason: "payload is not valid JSON", eventID: eventID,
            at: failedAt)
    }

    @Test("keeps where the record was read and its bytes exactly")
    func keepsOriginal() {
        let letter = Self.letter()
        #expect(letter.original == Self.bytes)
        #expect(letter.topic == "raw.sensor.readings")
        #expect(letter.partition == 2)
        #expect(letter.offset == 41)
        #expect(letter.key == Data("sensor:wh-0001".utf8))
        #expect(letter.headers == ["ce_subject": "sensor:wh-0001", "ce_type": "sensor.reading"])
        #expect(letter.id.version7Date != nil)
    }

    @Test("JSON carries the original as base64")
    func jsonBase64() throws {
        let eventID = EventIDGenerator().next(at: Self.failedAt)
        let json = try EventJSON.encoder().encode(Self.letter(eventID: eventID))
        let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        #expect(object["original"] as? String == Self.bytes.base64EncodedString())
        #expect(object["key"] as? String == Data("sensor:wh-0001".utf8).base64EncodedString())
        #expect(object["failed_at"] as? String == "2026-11-25T06:00:00.500Z")
        #expect(object["event_id"] as? String == eventID.uuidString)
        #expect(object["stage"] as? String == "processors.spatialiser")
        #expect(object["reason"] as? String == "payload is not valid JSON")
        #expect(object["offset"] as? Int == 41)

        let decoded = try EventJSON.decoder().decode(DeadLetter.self, from: json)
        #expect(decoded.original == Self.bytes)
        #expect(decoded.eventID == eventID)
        #expect(decoded.failedAt == Self.failedAt)
    }

    @Test("an unreadable envelope leaves event_id out")
    func noEventID() throws {
        let json = try EventJSON.encoder().encode(Self.letter())
        let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        #expect(object["event_id"] == nil)
    }

    @Test("the dlq record keeps the original key and carries the letter")
    func record() throws {
        let letter = Self.letter()
        let record = try letter.record(topic: Topics.deadLetters)
        #expect(record.topic == "dlq")
        #expect(record.key == Data("sensor:wh-0001".utf8))
        let decoded = try EventJSON.decoder().decode(DeadLetter.self, from: record.value)
        #expect(decoded.original == Self.bytes)
        #expect(decoded.id == letter.id)

        let metadata = try EventMetadata(kafkaMessage: KafkaMessage(consumed: record))
        #expect(metadata.id == letter.id)
        #expect(metadata.type == "dead.letter")
        #expect(metadata.subject == "sensor:wh-0001")
        #expect(metadata.source == "shikong://processors.spatialiser")
    }

    @Test("a record without a key stays without one")
    func recordWithoutKey() throws {
        var message = Self.failed()
        message.key = nil
        let letter = DeadLetter(failed: message, stage: "ingest", reason: "bad", eventID: nil, at: Self.failedAt)
        #expect(try letter.record(topic: Topics.deadLetters).key == nil)
    }
}

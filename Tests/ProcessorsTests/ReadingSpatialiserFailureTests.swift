import Events
import Foundation
import Kafka
import Processors
import Testing

@Suite("ReadingSpatialiser: failures")
struct ReadingSpatialiserFailureTests {
    let spatialiser = ReadingSpatialiser()

    func failure(_ message: KafkaMessage) throws -> ReadingSpatialiser.Failure {
        switch spatialiser.spatialise(message) {
        case .success(let record):
            Issue.record("expected a failure, got \(String(decoding: record.value, as: UTF8.self))")
            throw CancellationError()
        case .failure(let failure):
            return failure
        }
    }

    @Test(
        "says why a payload is rejected",
        arguments: [
            (#"{"ts":"#, "payload is not valid JSON"),
            (#"[{"ts":"2026-11-25T06:00:00Z","lon":114.3,"lat":30.6,"pm25":1}]"#, "not a JSON object"),
            ("", "payload is empty"),
            (" \n\t", "payload is empty"),
            (#"{"lon":114.3,"lat":30.6,"values":{"pm25":1}}"#, "missing field ts"),
            (#"{"ts":"yesterday","lon":114.3,"lat":30.6,"values":{"pm25":1}}"#, "ts \"yesterday\" is not an RFC 3339"),
            (#"{"ts":true,"lon":114.3,"lat":30.6,"values":{"pm25":1}}"#, "ts is neither"),
            (#"{"ts":"2026-11-25T06:00:00Z","lat":30.6,"values":{"pm25":1}}"#, "missing field lon"),
            (#"{"ts":"2026-11-25T06:00:00Z","lon":114.3,"values":{"pm25":1}}"#, "missing field lat"),
            (
                #"{"ts":"2026-11-25T06:00:00Z","lon":"east","lat":30.6,"values":{"pm25":1}}"#,
                "field lon is not a number"
            ),
            (#"{"ts":"2026-11-25T06:00:00Z","lon":114.3,"lat":200,"values":{"pm25":1}}"#, "latitude 200"),
            (#"{"ts":"2026-11-25T06:00:00Z","lon":500,"lat":30.6,"values":{"pm25":1}}"#, "longitude 500"),
            (#"{"ts":"2026-11-25T06:00:00Z","lon":114.3,"lat":30.6}"#, "no measured values"),
            (#"{"ts":"2026-11-25T06:00:00Z","lon":114.3,"lat":30.6,"values":{}}"#, "no measured values"),
            (
                #"{"ts":"2026-11-25T06:00:00Z","lon":114.3,"lat":30.6,"values":{"pm25":"high"}}"#,
                "values must be an object of numbers"
            ),
            (
                #"{"ts":"2026-11-25T06:00:00Z","lon":114.3,"lat":30.6,"crs":"EPSG:nope","pm25":1}"#,
                "unknown CRS \"EPSG:nope\""
            ),
            (#"{"ts":"2026-11-25T06:00:00Z","lon":114.3,"lat":30.6,"crs":"EPSG:1025","pm25":1}"#, "EPSG:1025"),
            (#"{"ts":"2026-11-25T06:00:00Z","lon":2.35,"lat":48.85,"pm25":1}"#, "outside the service area"),
        ])
    func rejects(payload: String, reason: String) throws {
        let metadata = Readings.metadata()
        let failure = try failure(Readings.message(payload, metadata: metadata))
        #expect(failure.reason.contains(reason), "reason: \(failure.reason)")
        #expect(failure.eventID == metadata.id)
    }

    @Test("an unknown crs header is rejected")
    func unknownCRSHeader() throws {
        let failure = try failure(
            Readings.message(
                #"{"ts":"2026-11-25T06:00:00Z","lon":114.3,"lat":30.6,"pm25":1}"#,
                metadata: Readings.metadata(crs: "OSGB36")))
        #expect(failure.reason.contains("unknown CRS \"OSGB36\""), "reason: \(failure.reason)")
    }

    @Test(
        "a record without its envelope fails, with the event id only when its id header is there", arguments: [[], ["ce_id"], ["ce_time"]])
    func missingEnvelope(removed: [String]) throws {
        let metadata = Readings.metadata()
        let headers = removed.isEmpty ? [] : metadata.kafkaHeaders.filter { !removed.contains($0.key) }
        let failure = try failure(
            Readings.message(
                Data(#"{"ts":"2026-11-25T06:00:00Z","lon":114.3,"lat":30.6,"pm25":1}"#.utf8), headers: headers))
        // The id header alone keeps a redelivered copy's dead letter the same one.
        #expect(failure.eventID == (headers.contains { $0.key == "ce_id" } ? metadata.id : nil))
        #expect(failure.reason.hasPrefix("envelope"), "reason: \(failure.reason)")
        #expect(failure.reason.contains(removed.first ?? "ce_id"), "reason: \(failure.reason)")
    }

    @Test("a failure becomes a dead letter that keeps the record")
    func deadLetter() throws {
        let metadata = Readings.metadata()
        let message = Readings.message(Data([0x7B, 0xFF, 0xFE]), headers: metadata.kafkaHeaders)
        let failure = try failure(message)
        let letter = DeadLetter(
            failed: message, stage: ReadingSpatialiser.stage, reason: failure.reason, eventID: failure.eventID)
        let record = try letter.record(topic: Topics.deadLetters)
        #expect(record.topic == "dlq")
        #expect(record.key == message.key)
        let decoded = try EventJSON.decoder().decode(DeadLetter.self, from: record.value)
        #expect(decoded.original == Data([0x7B, 0xFF, 0xFE]))
        #expect(decoded.eventID == metadata.id)
        #expect(decoded.offset == 7)
        #expect(decoded.stage == "processors.spatialiser")
    }
}

import Events
import Foundation
import JSON
import Processors
import Testing

@Suite("ReadingSpatialiser: the raw topic's schema")
struct ReadingSchemaTests {
    static let catalogue = try! TopicCatalogue.load(
        from: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("topics"))

    let spatialiser = ReadingSpatialiser(schema: try! Self.catalogue.definition(Topics.rawSensorReadings)!.compiledSchema())

    @Test("every topic in the catalogue has a schema the validator accepts")
    func catalogueSchemas() throws {
        for topic in Self.catalogue.topics {
            #expect(try topic.compiledSchema() != nil, "\(topic.name) has no value_schema")
        }
    }

    @Test("a payload that reads but breaks the schema is rejected with the schema path")
    func violation() throws {
        let metadata = Readings.metadata()
        let result = spatialiser.spatialise(
            Readings.message(#"{"ts":"2026-11-25T06:00:00Z","lon":114.3,"lat":30.6,"values":{"pm25":1},"note":"text"}"#, metadata: metadata))
        guard case .failure(let failure) = result else {
            Issue.record("a payload with a text member outside values should fail the schema")
            return
        }
        #expect(failure.reason.contains("schema shikong/sensor.reading.raw/1"), "\(failure.reason)")
        #expect(failure.reason.contains("/note"), "\(failure.reason)")
    }

    @Test("a valid payload passes schema and spatialisation")
    func valid() throws {
        let result = spatialiser.spatialise(Readings.message(#"{"ts":"2026-11-25T06:00:00Z","lon":114.3,"lat":30.6,"pm25":1}"#))
        guard case .success = result else {
            Issue.record("expected success, got \(result)")
            return
        }
    }
}

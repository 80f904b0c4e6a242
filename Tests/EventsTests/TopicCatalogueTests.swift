import Events
import Foundation
import Testing

@Suite("TopicCatalogue")
struct TopicCatalogueTests {
    /// `topics/` of this package: Tests/EventsTests/<this file> → package root.
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("topics", isDirectory: true)

    @Test("loads the repository's topics")
    func loadsTopics() throws {
        let catalogue = try TopicCatalogue.load(from: Self.directory)
        let names = Set(catalogue.topics.map(\.name))
        #expect(names.isSuperset(of: [Topics.rawSensorReadings, Topics.spatialEvents, Topics.deadLetters]))
        #expect(names.count == catalogue.topics.count, "topic names must be unique")
        for topic in catalogue.topics {
            #expect(topic.partitions >= 1, "\(topic.name)")
            #expect(topic.configs["cleanup.policy"]?.isEmpty == false, "\(topic.name)")
            #expect(!topic.producer.isEmpty, "\(topic.name)")
            #expect(topic.specification().name == topic.name)
            #expect(topic.specification().partitions == topic.partitions)
            #expect(topic.specification().replicationFactor == 1, "the local stack has one broker")
            #expect(topic.specification().configs["min.insync.replicas"] == nil)
        }
    }

    @Test("each file is named after its topic and has a JSON-object value schema")
    func fileNamesAndSchemas() throws {
        let files = try FileManager.default.contentsOfDirectory(at: Self.directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }
        #expect(files.count >= 3)
        for file in files {
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any],
                "\(file.lastPathComponent)")
            #expect(object["name"] as? String == file.deletingPathExtension().lastPathComponent)
            let schema = try #require(object["value_schema"] as? [String: Any], "\(file.lastPathComponent)")
            // An object, or one of several object shapes (the dead-letter topic carries dead letters and redrives).
            let shapes = (schema["oneOf"] as? [[String: Any]]) ?? [schema]
            #expect(!shapes.isEmpty && shapes.allSatisfy { $0["type"] as? String == "object" }, "\(file.lastPathComponent)")
        }
    }

    @Test("a malformed file is named in the error")
    func malformedFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("topics-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data(#"{"name": "broken"}"#.utf8).write(to: directory.appendingPathComponent("broken.json"))
        try Data("ignored".utf8).write(to: directory.appendingPathComponent("README.md"))
        let error = try #require(throws: EventDecodingError.self) { try TopicCatalogue.load(from: directory) }
        #expect(error.reason.contains("broken.json"))
    }

    @Test("replication: the platform-wide policy, a topic's own settings over it, min.insync.replicas with more than one copy")
    func replication() throws {
        var catalogue = try TopicCatalogue.load(from: Self.directory)
        catalogue.replication = ReplicationPolicy(replicationFactor: 3)
        for specification in catalogue.specifications {
            #expect(specification.replicationFactor == 3)
            #expect(specification.configs["min.insync.replicas"] == "2")
        }
        catalogue.replication = ReplicationPolicy(replicationFactor: 2, minInsyncReplicas: 2)
        #expect(catalogue.specifications.allSatisfy { $0.configs["min.insync.replicas"] == "2" && $0.replicationFactor == 2 })
        catalogue.topics[0].replicationFactor = 5
        catalogue.topics[0].minInsyncReplicas = 3
        #expect(catalogue.specifications[0].replicationFactor == 5)
        #expect(catalogue.specifications[0].configs["min.insync.replicas"] == "3")
        let decoded = try JSONDecoder().decode(
            TopicDefinition.self,
            from: Data(
                #"{"name":"t","description":"d","partitions":3,"key":"k","configs":{},"producer":"p","consumers":[],"replication_factor":3,"min_insync_replicas":2}"#
                    .utf8))
        #expect(decoded.replicationFactor == 3 && decoded.minInsyncReplicas == 2)
    }
}

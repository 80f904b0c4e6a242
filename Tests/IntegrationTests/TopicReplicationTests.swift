import Foundation
import ShikongTesting
import Testing

/// `shikong topics apply` against the real broker: the single local broker keeps one copy and says
/// so; a catalogue that wants more copies than the cluster has is drift, reported and never forced.
@Suite("Topic replication")
struct TopicReplicationTests {
    static func apply(_ arguments: [String], platform: TestPlatform, topics: URL = TestPlatform.repositoryRoot.appendingPathComponent("topics"))
        async throws -> (status: Int32, output: String)
    {
        let bootstrap = platform.configuration.kafkaBootstrap
        return try await detached {
            try runTool(
                StageProcess.executable.path,
                ["topics", "apply", "--kafka", bootstrap, "--topics-dir", topics.path, "--log-level", "error"] + arguments)
        }
    }

    @Test("apply keeps one copy on one broker and says so; three copies wanted is drift, exit status 1")
    func singleBroker() async throws {
        let platform = try await TestPlatform.shared()
        let applied = try await Self.apply([], platform: platform)
        #expect(applied.status == 0, "\(applied.output)")
        #expect(applied.output.contains("replication factor 1: a single broker keeps one copy"), "\(applied.output)")
        #expect(applied.output.contains("raw.sensor.readings: in line"), "\(applied.output)")

        let three = try await Self.apply(["--check", "--replication-factor", "3"], platform: platform)
        #expect(three.status == 1, "\(three.output)")
        #expect(three.output.contains("raw.sensor.readings: DRIFT: replication factor 1, catalogue says 3"), "\(three.output)")
        #expect(three.output.contains("min.insync.replicas=") && three.output.contains("(wanted 2)"), "\(three.output)")

        let invalid = try await Self.apply(["--check", "--replication-factor", "2", "--min-insync-replicas", "3"], platform: platform)
        #expect(invalid.status != 0 && invalid.output.contains("--min-insync-replicas"), "\(invalid.output)")
    }

    @Test("a new topic whose file asks for two copies is not created on a one-broker cluster: drift that names the brokers")
    func topicFileWantsMore() async throws {
        let platform = try await TestPlatform.shared()
        let directory = platform.dataDirectory.appendingPathComponent("topics-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let source = TestPlatform.repositoryRoot.appendingPathComponent("topics/dlq.json")
        try FileManager.default.copyItem(at: source, to: directory.appendingPathComponent("dlq.json"))
        let name = "replicated-\(UUID().uuidString.prefix(8).lowercased())"
        try
            #"{"name":"\#(name)","description":"test","partitions":1,"key":"none","configs":{"cleanup.policy":"delete"},"producer":"test","consumers":[],"replication_factor":2,"value_schema":{"type":"object"}}"#
            .write(to: directory.appendingPathComponent("\(name).json"), atomically: true, encoding: .utf8)
        let applied = try await Self.apply([], platform: platform, topics: directory)
        #expect(applied.status == 1, "\(applied.output)")
        #expect(applied.output.contains("\(name): DRIFT: missing; it needs replication factor 2 and the cluster has 1 broker"), "\(applied.output)")
        #expect(applied.output.contains("dlq: in line"), "\(applied.output)")
    }
}

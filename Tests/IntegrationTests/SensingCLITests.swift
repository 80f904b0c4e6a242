import Events
import Foundation
import MQTT
import PostgresNIO
import ShikongTesting
import Testing

/// `shikong sensors` and `shikong tasks` against the running platform's API: the registry and a
/// feed's whole life from the command line, each change recorded with the CLI's editor.
@Suite("Sensing from the command line", .serialized)
struct SensingCLITests {
    static func shikong(_ arguments: [String], platform: TestPlatform) async throws -> (status: Int32, output: String) {
        try await runToolDetached(
            StageProcess.executable.path, arguments + ["--api", platform.baseURL, "--editor", "erin", "--token", try await platform.adminToken()])
    }

    @Test("sensors add-thing/add-datastream/list and tasks add/pause/resume/change/history/delete; refusals exit non-zero with the detail")
    func lifecycle() async throws {
        let platform = try await TestPlatform.shared()
        let thing = try await Self.shikong(
            ["sensors", "add-thing", "cli-gauge", "--name", "汉口水位站", "--lon", "114.29", "--lat", "30.58", "--property", "operator=水务局"],
            platform: platform)
        #expect(thing.status == 0, "\(thing.output)")
        let stream = try await Self.shikong(
            [
                "sensors", "add-datastream", "cli-gauge.level", "--thing", "cli-gauge", "--observed-property", "level", "--unit", "m", "--min", "0",
                "--max", "40", "--industry", "water", "--theme", "hydrology",
            ], platform: platform)
        #expect(stream.status == 0, "\(stream.output)")
        let listed = try await Self.shikong(["sensors", "list", "--thing", "cli-gauge"], platform: platform)
        #expect(listed.output.contains("cli-gauge.level\tlevel\tm\t[0") && listed.output.contains("hydrology"), "\(listed.output)")
        let badUnit = try await Self.shikong(
            ["sensors", "add-datastream", "cli-gauge.t", "--thing", "cli-gauge", "--observed-property", "t", "--unit", "°C", "--theme", "weather"],
            platform: platform)
        #expect(badUnit.status != 0 && badUnit.output.contains("UCUM"), "\(badUnit.output)")

        let added = try await Self.shikong(
            ["tasks", "add", "--id", "cli-levels", "--feed", "cli/+/level", "--expected-interval", "60"], platform: platform)
        #expect(added.status == 0 && added.output.contains("\"topic_filter\" : \"cli/+/level\""), "\(added.output)")
        _ = try await platform.poll("/tasks/cli-levels/status", timeout: .seconds(60)) {
            ($0["details"] as? [String: Any])?["subscribed"] as? Bool == true
        }
        let publisher = try MQTTPublisher(
            connection: MQTTConnection(host: platform.configuration.mqttHost, port: platform.configuration.mqttPort, clientID: "test-cli-feed"))
        defer { publisher.close() }
        try await publisher.publishAll([
            MQTTMessage(
                topic: "cli/cli-gauge/level",
                payload: Array(#"{"ts":"\#(Timestamp.format(Date()))","lon":114.29,"lat":30.58,"values":{"level":2.5}}"#.utf8))
        ])
        #expect(
            try await platform.waitForCount("SELECT count(*)::int FROM sensor_readings WHERE sensor_id = 'cli-gauge'", timeout: .seconds(60)) {
                $0 == 1
            } == 1)

        for command in [
            ["pause", "cli-levels"], ["resume", "cli-levels"], ["change", "cli-levels", "--definition", #"{"expected_interval_seconds": 120}"#],
        ] {
            let result = try await Self.shikong(["tasks"] + command, platform: platform)
            #expect(result.status == 0, "\(command): \(result.output)")
        }
        let list = try await Self.shikong(["tasks", "list", "--kind", "mqtt-feed"], platform: platform)
        #expect(list.output.contains("cli-levels\tmqtt-feed\tactive\t4\terin"), "\(list.output)")
        let deleted = try await Self.shikong(["tasks", "delete", "cli-levels"], platform: platform)
        #expect(deleted.status == 0, "\(deleted.output)")
        let history = try await Self.shikong(["tasks", "history", "cli-levels"], platform: platform)
        let rows = history.output.split(separator: "\n").dropFirst().map { $0.split(separator: "\t").map(String.init) }
        #expect(
            rows.map { $0.count > 3 ? $0[2] : "" } == ["task.added", "task.paused", "task.resumed", "task.changed", "task.deleted"],
            "\(history.output)")
        #expect(rows.allSatisfy { $0.count > 3 && $0[3] == "erin" }, "\(history.output)")
        let again = try await Self.shikong(["tasks", "resume", "cli-levels"], platform: platform)
        #expect(again.status != 0 && again.output.contains("404"), "\(again.output)")
    }
}

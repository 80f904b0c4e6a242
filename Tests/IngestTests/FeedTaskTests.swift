import Events
import Foundation
import JSON
import Testing

@testable import Ingest

@Suite("MQTT feed tasks: definitions, silence, monitoring")
struct FeedTaskTests {
    func definition(_ text: String) throws(TaskDefinitionError) -> MQTTFeedDefinition {
        // swift-format-ignore: NeverUseForceTry
        try MQTTFeedDefinition(json: try! JSONParser.parse(text))
    }

    @Test("a definition gets its defaults and keeps what it says")
    func defaults() throws {
        let feed = try definition(#"{"topic_filter": "river/+/level", "units": {"level": "m"}, "expected_interval_seconds": 60}"#)
        #expect(feed.crs == "EPSG:4326" && feed.context.binding == .registry && feed.silentAfterIntervals == 3)
        #expect(feed.context.units == ["level": "m"])
        let stored = feed.json
        #expect(try MQTTFeedDefinition(json: stored) == feed, "the stored form reads back the same")
        #expect(stored["binding"]?.string == "registry")
    }

    @Test(
        "a definition that cannot work is refused, saying why",
        arguments: [
            (#"{"crs": "EPSG:4326"}"#, "topic_filter is required"),
            (#"{"topic_filter": "a/#/b"}"#, "not an MQTT topic filter"),
            (#"{"topic_filter": "a/+", "crs": "EPSG:9999999"}"#, "crs"),
            (#"{"topic_filter": "a/+", "binding": "maybe"}"#, "binding"),
            (#"{"topic_filter": "a/+", "units": {"x": "μg/m³"}}"#, "UCUM"),
            (#"{"topic_filter": "a/+", "mapping": {"time": "ts"}}"#, "JSON pointer"),
            (#"{"topic_filter": "a/+", "mapping": {"depth": "/d"}}"#, "unknown field depth"),
            (#"{"topic_filter": "a/+", "expected_interval_seconds": -1}"#, "expected_interval_seconds"),
            (#"{"topic_filter": "a/+", "topicfilter": "a/+"}"#, "unknown field topicfilter"),
        ])
    func refused(text: String, reason: String) throws {
        do {
            _ = try definition(text)
            Issue.record("\(text) was accepted")
        } catch {
            #expect(error.message.contains(reason), "\(error.message)")
        }
    }

    @Test("a --feed flag is an unbound feed task with a stable id")
    func flagTask() {
        let one = MQTTFeedDefinition.task(for: MQTTFeed(topicFilter: "city/+/air"), editor: "cli")
        let again = MQTTFeedDefinition.task(for: MQTTFeed(topicFilter: "city/+/air"), editor: "someone")
        let other = MQTTFeedDefinition.task(for: MQTTFeed(topicFilter: "city/+/air", crs: "EPSG:4547"), editor: "cli")
        #expect(one.id == again.id && one.id != other.id)
        #expect(PlatformTask.problem(withID: one.id) == nil)
        #expect(one.definition["binding"]?.string == "none")
    }

    @Test("a sensor silent for N intervals is reported once, and again when it speaks")
    func silence() throws {
        let feed = try definition(#"{"topic_filter": "r/+", "expected_interval_seconds": 10, "silent_after_intervals": 3}"#)
        var watcher = SilenceWatcher(taskID: "r", definition: feed)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        var seen = ["a": start, "b": start]
        #expect(watcher.check(seen, now: start.addingTimeInterval(29)).silent.isEmpty)
        seen["b"] = start.addingTimeInterval(25)
        let first = watcher.check(seen, now: start.addingTimeInterval(31))
        #expect(first.silent.map(\.sensor) == ["a"] && first.spoke.isEmpty)
        #expect(watcher.check(seen, now: start.addingTimeInterval(40)).silent.isEmpty, "reported once")
        seen["a"] = start.addingTimeInterval(41)
        let spoke = watcher.check(seen, now: start.addingTimeInterval(42))
        #expect(spoke.spoke.map(\.sensor) == ["a"] && spoke.spoke.first?.lastSeen == start)
        #expect(watcher.silentSensors.isEmpty)
    }

    @Test("a monitor counts messages, bytes and errors, with rates over the last ten seconds")
    func monitor() {
        let monitor = TaskMonitor(taskID: "t", kind: "mqtt-feed")
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        for second in 0..<10 {
            for _ in 0..<5 { monitor.recordMessage(bytes: 100, at: start.addingTimeInterval(Double(second))) }
        }
        monitor.recordError("bad", at: start.addingTimeInterval(9))
        let snapshot = monitor.snapshot(at: start.addingTimeInterval(10))
        #expect(snapshot.messages == 50 && snapshot.bytes == 5_000 && snapshot.errors == 1)
        #expect(snapshot.messagesPerSecond == 5 && snapshot.bytesPerSecond == 500 && snapshot.errorsPerSecond == 0.1)
        #expect(snapshot.lastMessageAt == start.addingTimeInterval(9) && snapshot.lastError == "bad")
        #expect(monitor.snapshot(at: start.addingTimeInterval(30)).messagesPerSecond == 0, "old seconds drop out")
    }

    @Test("feeds sharing a filter: the filter is given up with the last of them; inactive feeds still own their messages")
    func feedTable() throws {
        let table = FeedTable()
        let feed = try definition(#"{"topic_filter": "r/+/level"}"#)
        #expect(table.activate("a", definition: feed, monitor: nil))
        #expect(!table.activate("b", definition: feed, monitor: nil))
        #expect(table.deactivate("a") == nil)
        #expect(table.feed(for: "r/1/level")?.taskID == "b")
        #expect(table.deactivate("b") == "r/+/level")
        #expect(table.feed(for: "r/1/level")?.active == false, "in-flight messages of a paused feed are still its own")
    }
}

import Kafka
import Testing

@testable import Live

@Suite("Live cursors")
struct LiveCursorTests {
    @Test("text form round-trips, topics and partitions in order")
    func roundTrip() throws {
        let cursor = LiveCursor([
            TopicPartition(topic: "spatial.events", partition: 2): 1_310, TopicPartition(topic: "spatial.events", partition: 0): 1_204,
            TopicPartition(topic: "spatial.events", partition: 1): 998, TopicPartition(topic: "agg.minute", partition: 0): 7,
        ])
        #expect(cursor.description == "agg.minute@0:7;spatial.events@0:1204,1:998,2:1310")
        #expect(LiveCursor(parsing: cursor.description) == cursor)
    }

    @Test("a replay waits for the archive only where the cursor is behind its target")
    func behind() throws {
        let target = try #require(LiveCursor(parsing: "spatial.events@0:10,1:20,2:30"))
        let cursor = try #require(LiveCursor(parsing: "spatial.events@0:10,1:15,2:31"))
        #expect(LiveSession.behind(cursor, target) == LiveCursor(parsing: "spatial.events@1:20"))
        #expect(LiveSession.behind(target, target).positions.isEmpty)
        #expect(LiveSession.behind(LiveCursor(), target) == target, "a partition the cursor does not name starts at 0")
    }

    @Test("malformed cursors are refused", arguments: ["", "spatial.events", "@0:1", "t@x:1", "t@0:-1", "t@0", "t@-1:5"])
    func malformed(_ text: String) {
        #expect(LiveCursor(parsing: text) == nil)
    }
}

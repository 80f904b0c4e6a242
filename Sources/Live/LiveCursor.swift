import Kafka

/// Where a subscriber is in the log: per partition of the collection's topics, the next offset to
/// look at. Every message carries the cursor after it; resuming from a cursor replays from the
/// archive exactly what came after, then hands over to the live tail.
///
/// Text form: `topic@partition:offset,partition:offset`, topics separated by `;`, e.g.
/// `spatial.events@0:1204,1:998,2:1310`. An event id alone cannot say this: the partitions of a
/// topic are ordered independently, so a subscriber's place is one offset per partition.
public struct LiveCursor: Sendable, Hashable, CustomStringConvertible {
    public var positions: [TopicPartition: Int64]

    public init(_ positions: [TopicPartition: Int64] = [:]) {
        self.positions = positions
    }

    /// Reads the text form; `nil` when it is not one.
    public init?(parsing text: String) {
        var positions: [TopicPartition: Int64] = [:]
        for group in text.split(separator: ";") {
            let parts = group.split(separator: "@", maxSplits: 1)
            guard parts.count == 2, !parts[0].isEmpty else { return nil }
            for item in parts[1].split(separator: ",") {
                let numbers = item.split(separator: ":")
                guard numbers.count == 2, let partition = Int32(numbers[0]), partition >= 0, let offset = Int64(numbers[1]), offset >= 0 else {
                    return nil
                }
                positions[TopicPartition(topic: String(parts[0]), partition: partition)] = offset
            }
        }
        guard !positions.isEmpty else { return nil }
        self.positions = positions
    }

    public var description: String {
        Dictionary(grouping: positions, by: { $0.key.topic }).sorted { $0.key < $1.key }.map { topic, entries in
            topic + "@" + entries.sorted { $0.key.partition < $1.key.partition }.map { "\($0.key.partition):\($0.value)" }.joined(separator: ",")
        }.joined(separator: ";")
    }

    public subscript(partition: TopicPartition) -> Int64? {
        get { positions[partition] }
        set { positions[partition] = newValue }
    }
}

import Synchronization

/// The partitions every group consumer of this process holds right now, with the lag each last
/// sampled: what a node's heartbeat announces. Consumers register when they subscribe to a group
/// and leave when they close; reading it never calls the broker.
public enum ConsumerAssignments {
    /// One assigned partition of one consumer group.
    public struct Entry: Sendable, Hashable {
        public var group: String
        public var partition: TopicPartition
        /// Records not yet read, as last sampled (`nil` before the first fetch).
        public var lag: Int64?
    }

    private static let contexts = Mutex<[ObjectIdentifier: ConsumerContext]>([:])

    /// Every partition held by a group consumer of this process, sorted by group, topic and partition.
    public static var current: [Entry] {
        let open = contexts.withLock { Array($0.values) }
        return open.flatMap { context in
            let lags = context.lastLag
            return context.assigned.map { Entry(group: context.groupID, partition: $0, lag: lags[$0]) }
        }.sorted { ($0.group, $0.partition.topic, $0.partition.partition) < ($1.group, $1.partition.topic, $1.partition.partition) }
    }

    static func register(_ context: ConsumerContext) {
        contexts.withLock { $0[ObjectIdentifier(context)] = context }
    }

    static func unregister(_ context: ConsumerContext) {
        _ = contexts.withLock { $0.removeValue(forKey: ObjectIdentifier(context)) }
    }
}

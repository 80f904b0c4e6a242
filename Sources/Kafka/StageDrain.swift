import ServiceLifecycle

/// The position after the last message of each partition: what to commit once a batch is done.
extension Array where Element == KafkaMessage {
    public var nextPositions: [TopicPartition: Int64] {
        var positions: [TopicPartition: Int64] = [:]
        for message in self {
            positions[message.topicPartition] = Swift.max(positions[message.topicPartition] ?? 0, message.offset + 1)
        }
        return positions
    }
}

/// How a consuming stage stops on graceful shutdown: it keeps consuming until a poll comes back
/// empty (its input is drained; upstream stages stopped before it), or until a time limit, so nothing
/// already appended upstream is left unprocessed in a broker that may not keep its log.
public struct StageDrain: Sendable {
    public var limit: Duration
    private var started: ContinuousClock.Instant?

    public init(limit: Duration = .seconds(20)) {
        self.limit = limit
    }

    public mutating func shouldStop(batchIsEmpty: Bool) -> Bool {
        guard Task.isShuttingDownGracefully || Task.isCancelled else { return false }
        let now = ContinuousClock.now
        if started == nil { started = now }
        if let started, now - started > limit { return true }
        return batchIsEmpty
    }
}

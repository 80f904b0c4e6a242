import Synchronization

/// Which parts of a process are connected and able to work: the MQTT bridge once the broker
/// acknowledged its subscriptions, each processor and projection once its consumer group assigned
/// it partitions, the database once it answers. `/health` answers 503 naming what is not ready yet,
/// and `shikong up` says it is up only once nothing is left waiting.
public final class Readiness: Sendable {
    private let waiting = Mutex<[String: String]>([:])

    public init() {}

    /// Registers a part that is not ready yet, and what it waits for.
    public func expect(_ part: String, waitingFor reason: String) {
        waiting.withLock { $0[part] = reason }
    }

    /// Marks a part ready.
    public func ready(_ part: String) {
        _ = waiting.withLock { $0.removeValue(forKey: part) }
    }

    /// Marks a part not ready again (e.g. the MQTT connection dropped).
    public func notReady(_ part: String, waitingFor reason: String) {
        expect(part, waitingFor: reason)
    }

    /// The parts not ready yet, with what each waits for, by name.
    public var pending: [(part: String, waitingFor: String)] {
        waiting.withLock { $0.map { (part: $0.key, waitingFor: $0.value) } }.sorted { $0.part < $1.part }
    }

    public var isReady: Bool { waiting.withLock { $0.isEmpty } }

    /// Returns once every part is ready (or the task is cancelled).
    public func untilReady() async {
        while !isReady && !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }
}

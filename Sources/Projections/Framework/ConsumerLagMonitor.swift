import Logging
import ServiceLifecycle
import Synchronization

/// Consumer lag measured in the background every `interval` and kept, so `/metrics` answers from
/// memory: a scrape never waits for the broker or PostgreSQL, and never opens a consumer.
public final class ConsumerLagMonitor: Service {
    private let lag: ConsumerLag
    private let processors: [(group: String, topics: [String])]
    private let interval: Duration
    private let logger: Logger
    private let latest = Mutex<[ConsumerLag.Entry]?>(nil)

    public init(lag: ConsumerLag, processors: [(group: String, topics: [String])], interval: Duration = .seconds(5), logger: Logger) {
        self.lag = lag
        self.processors = processors
        self.interval = interval
        self.logger = logger
    }

    /// The last measurement, `nil` before the first one.
    public var entries: [ConsumerLag.Entry]? { latest.withLock { $0 } }

    /// The last measurement in Prometheus text format (empty before the first one).
    public var prometheus: String { entries.map(ConsumerLag.prometheus) ?? "" }

    public func run() async throws {
        defer { lag.close() }
        var warned = false
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let entries = try await lag.measure(processors: processors)
                latest.withLock { $0 = entries }
                warned = false
            } catch {
                if !warned { logger.warning("consumer lag not measured; keeping the last figures", metadata: ["error": "\(error)"]) }
                warned = true
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.interval) }
        }
    }
}

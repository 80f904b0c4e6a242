/// How often, and how far apart, a delivery is tried: `attempts` tries, waiting `initialDelay`,
/// then twice as long each time, at most `maximumDelay`.
public struct RetryPolicy: Sendable, Hashable {
    public var attempts: Int
    public var initialDelay: Duration
    public var maximumDelay: Duration
    /// How long one HTTP request may take.
    public var timeout: Duration

    public init(attempts: Int = 5, initialDelay: Duration = .seconds(1), maximumDelay: Duration = .seconds(30), timeout: Duration = .seconds(10)) {
        self.attempts = max(1, attempts)
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
        self.timeout = timeout
    }

    /// The wait before try `attempt` (1-based; the first try has none).
    public func delay(before attempt: Int) -> Duration {
        guard attempt > 1 else { return .zero }
        var delay = initialDelay
        for _ in 2..<attempt { delay = min(delay * 2, maximumDelay) }
        return min(delay, maximumDelay)
    }
}

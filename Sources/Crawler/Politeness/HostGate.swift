/// One queue per host, shared by every crawl of the process: at most one request to a host at a
/// time, and a pause of at least the host's delay between the end of one request and the start of
/// the next — so two tasks crawling the same site do not double its load.
public actor HostGate {
    private struct HostState {
        var busy = false
        var nextStart: ContinuousClock.Instant = .now
        var lastEnd: ContinuousClock.Instant?
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private var hosts: [String: HostState] = [:]

    public init() {}

    /// Waits for the host's turn, runs `body`, then holds the host for `delay` after it ends.
    /// Waiters are served in the order they came.
    public func withTurn<T: Sendable>(
        host: String, delay: Duration, _ body: @Sendable () async throws -> T
    ) async rethrows -> T {
        await acquire(host)
        let start = hosts[host]?.nextStart ?? .now
        if start > .now { try? await Task.sleep(until: start, clock: .continuous) }
        defer { release(host, delay: delay) }
        return try await body()
    }

    /// Keeps the host's next request at least `delay` after the end of its last one (robots.txt's
    /// `Crawl-delay`, learnt only once robots.txt itself was fetched).
    public func holdOff(host: String, atLeast delay: Duration) {
        guard var state = hosts[host] else { return }
        state.nextStart = max(state.nextStart, (state.lastEnd ?? .now) + delay)
        hosts[host] = state
    }

    private func acquire(_ host: String) async {
        if hosts[host]?.busy != true {
            hosts[host, default: HostState()].busy = true
            return
        }
        await withCheckedContinuation { continuation in hosts[host, default: HostState()].waiters.append(continuation) }
    }

    private func release(_ host: String, delay: Duration) {
        guard var state = hosts[host] else { return }
        let now = ContinuousClock.now
        state.lastEnd = now
        state.nextStart = max(state.nextStart, now + delay)
        if state.waiters.isEmpty {
            state.busy = false
            hosts[host] = state
        } else {
            let next = state.waiters.removeFirst()
            hosts[host] = state
            next.resume()
        }
    }
}

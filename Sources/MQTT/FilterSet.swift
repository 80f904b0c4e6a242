import Synchronization

/// The topic filters a subscriber holds, changed from any thread and applied by its loop thread:
/// what to subscribe and unsubscribe on the live connection, what to (re)send on a new one, and who
/// waits for which acknowledgement.
final class FilterSet: Sendable {
    enum Request: Sendable {
        case subscribe(String, @Sendable () -> Void)
        case unsubscribe(String, @Sendable () -> Void)
    }

    private struct State {
        /// Filters held, in the order they were asked for.
        var desired: [String] = []
        /// Filters given up whose unsubscription the broker has not acknowledged yet.
        var givenUp: Set<String> = []
        var pending: [Request] = []
        /// Called once a filter's subscription is acknowledged on the current connection.
        var waiters: [String: [@Sendable () -> Void]] = [:]
        /// Called once a filter's unsubscription is acknowledged (dropped if it is subscribed again first).
        var unsubscribeWaiters: [String: [@Sendable () -> Void]] = [:]
        var acknowledged: Set<String> = []
    }

    private let state: Mutex<State>

    init(_ initial: [String]) {
        var state = State()
        for filter in initial where !state.desired.contains(filter) { state.desired.append(filter) }
        self.state = Mutex(state)
    }

    var desiredFilters: [String] { state.withLock { $0.desired } }

    func request(_ request: Request) {
        var acknowledgedNow: (@Sendable () -> Void)?
        state.withLock { state in
            switch request {
            case .subscribe(let filter, let callback):
                state.givenUp.remove(filter)
                state.unsubscribeWaiters[filter] = nil
                if state.acknowledged.contains(filter) && state.desired.contains(filter) {
                    acknowledgedNow = callback
                    return
                }
                state.waiters[filter, default: []].append(callback)
                if !state.desired.contains(filter) { state.desired.append(filter) }
            case .unsubscribe(let filter, let callback):
                state.desired.removeAll { $0 == filter }
                state.acknowledged.remove(filter)
                state.givenUp.insert(filter)
                state.unsubscribeWaiters[filter, default: []].append(callback)
            }
            state.pending.append(request)
        }
        acknowledgedNow?()
    }

    /// Requests made since the last call, reduced to what the live connection must be told.
    func takeRequests() -> (subscribe: [String], unsubscribe: [String]) {
        state.withLock { state in
            var subscribe: [String] = []
            var unsubscribe: [String] = []
            for request in state.pending {
                switch request {
                case .subscribe(let filter, _):
                    unsubscribe.removeAll { $0 == filter }
                    if !subscribe.contains(filter) { subscribe.append(filter) }
                case .unsubscribe(let filter, _):
                    subscribe.removeAll { $0 == filter }
                    if !unsubscribe.contains(filter) { unsubscribe.append(filter) }
                }
            }
            state.pending = []
            return (subscribe.filter(state.desired.contains), unsubscribe.filter { !state.desired.contains($0) })
        }
    }

    /// A new connection: everything held is to be subscribed, everything given up unsubscribed;
    /// requests made meanwhile are covered by that.
    func connectionStarted() -> (held: [String], givenUp: [String]) {
        state.withLock { state in
            state.pending = []
            state.acknowledged = []
            return (state.desired, Array(state.givenUp).sorted())
        }
    }

    func connectionLost() {
        state.withLock { $0.acknowledged = [] }
    }

    func acknowledged(_ filter: String) {
        let waiters = state.withLock { state -> [@Sendable () -> Void] in
            guard state.desired.contains(filter) else { return [] }
            state.acknowledged.insert(filter)
            return state.waiters.removeValue(forKey: filter) ?? []
        }
        for waiter in waiters { waiter() }
    }

    func givenUp(_ filter: String) {
        let waiters = state.withLock { state -> [@Sendable () -> Void] in
            guard !state.desired.contains(filter) else { return [] }
            state.givenUp.remove(filter)
            return state.unsubscribeWaiters.removeValue(forKey: filter) ?? []
        }
        for waiter in waiters { waiter() }
    }
}

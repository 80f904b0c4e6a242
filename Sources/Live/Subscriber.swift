import Foundation
import Kafka
import ReadModel
import Synchronization

/// One subscriber's bounded buffer between the hub (which offers it every event of its collection
/// that its box may contain) and its connection (which takes messages as fast as the client reads).
///
/// While the connection replays the archive the buffer fills with the live tail; if it overflows
/// then, it is emptied and the connection replays further instead (``LiveHub/rebuffer(_:)``). Once
/// live, an overflow stops the buffer: the connection sends what it holds, then a `gap` with the
/// number of matching events it missed and the cursor to resume from. Never more than
/// `capacityBytes` of messages are held.
final class Subscriber: Sendable {
    let id: UInt64
    let subscription: LiveSubscription
    let access: any LiveAccess
    let capacityBytes: Int
    private let state: Mutex<State>

    /// A matching event, rendered, with its position.
    struct Message: Sendable {
        var partition: TopicPartition
        var offset: Int64
        /// `"event":…,"change":…,"feature":…` (the members a message adds its kind and cursor to).
        var body: String
    }

    enum Mode {
        /// Catching up from the archive; the live tail waits in the buffer.
        case buffering
        /// The buffer overflowed while catching up: the archive will be read further instead.
        case overflowed
        case live
        /// Overflowed while live: counting what it misses until the connection ends.
        case gap
        case closed
    }

    /// What the connection does next.
    enum Next {
        case message(Message)
        case heartbeat
        case gap(missed: Int)
        case closed
    }

    private struct State {
        var mode = Mode.buffering
        var queue: [Message] = []
        var head = 0
        var bytes = 0
        var missed = 0
        var heartbeatDue = false
        var waiter: CheckedContinuation<Void, Never>?

        mutating func takeWaiter() -> CheckedContinuation<Void, Never>? {
            defer { waiter = nil }
            return waiter
        }
    }

    init(id: UInt64, subscription: LiveSubscription, access: any LiveAccess, capacityBytes: Int) {
        self.id = id
        self.subscription = subscription
        self.access = access
        self.capacityBytes = capacityBytes
        self.state = Mutex(State())
    }

    /// Offers an event's feature (the hub calls it in log order); `render` gives the message body.
    func offer(_ event: LiveEvent, _ feature: LiveFeature, render: (Set<String>?) -> String) {
        guard state.withLock({ $0.mode != .overflowed && $0.mode != .closed }) else { return }
        guard subscription.matches(feature), access.allows(feature, to: subscription) else { return }
        let message = Message(
            partition: TopicPartition(topic: event.topic, partition: event.partition), offset: event.offset, body: render(subscription.selection))
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            switch state.mode {
            case .gap:
                state.missed += 1
                return nil
            case .overflowed, .closed:
                return nil
            case .buffering, .live:
                guard state.bytes + message.body.utf8.count <= capacityBytes || state.bytes == 0 else {
                    if state.mode == .live {
                        state.mode = .gap
                        state.missed = 1
                    } else {
                        state.mode = .overflowed
                        state.queue = []
                        state.head = 0
                        state.bytes = 0
                    }
                    return state.takeWaiter()
                }
                state.queue.append(message)
                state.bytes += message.body.utf8.count
                return state.takeWaiter()
            }
        }
        waiter?.resume()
    }

    /// Back to buffering with an empty buffer (the hub calls it when it hands out new start positions).
    func restartBuffering() {
        state.withLock { state in
            guard state.mode != .closed else { return }
            state = State(mode: .buffering, heartbeatDue: state.heartbeatDue, waiter: state.waiter)
        }
    }

    /// Switches to live unless the buffer overflowed while catching up.
    func goLive() -> Bool {
        state.withLock { state in
            guard state.mode == .buffering else { return false }
            state.mode = .live
            return true
        }
    }

    /// Whether the subscriber is live with nothing waiting (so the hub's positions are its own).
    var isLiveAndIdle: Bool { state.withLock { $0.mode == .live && $0.head == $0.queue.count } }

    /// Asks the connection for a heartbeat at its next turn.
    func heartbeat() {
        state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.heartbeatDue = true
            return state.takeWaiter()
        }?.resume()
    }

    /// Ends the subscription (the process is stopping).
    func close() {
        state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.mode = .closed
            return state.takeWaiter()
        }?.resume()
    }

    /// The next thing to send, waiting for it; a cancelled task gets `.closed`.
    func next() async -> Next {
        while true {
            if let next = state.withLock({ Self.take(&$0) }) { return next }
            if Task.isCancelled { return .closed }
            await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let ready = state.withLock { state -> Bool in
                        if Self.hasNext(state) { return true }
                        state.waiter = continuation
                        return false
                    }
                    if ready {
                        continuation.resume()
                    } else if Task.isCancelled {
                        // Cancelled before the waiter was in place: the handler found nothing to resume.
                        state.withLock { $0.takeWaiter() }?.resume()
                    }
                }
            } onCancel: {
                state.withLock { $0.takeWaiter() }?.resume()
            }
        }
    }

    private static func hasNext(_ state: State) -> Bool {
        state.heartbeatDue || state.head < state.queue.count || state.mode == .gap || state.mode == .closed
    }

    private static func take(_ state: inout State) -> Next? {
        if state.head < state.queue.count {
            let message = state.queue[state.head]
            state.head += 1
            state.bytes -= message.body.utf8.count
            if state.head == state.queue.count || state.head > 4_096 {
                state.queue.removeFirst(state.head)
                state.head = 0
            }
            return .message(message)
        }
        if state.mode == .closed { return .closed }
        if state.mode == .gap { return .gap(missed: state.missed) }
        if state.heartbeatDue {
            state.heartbeatDue = false
            return .heartbeat
        }
        return nil
    }
}

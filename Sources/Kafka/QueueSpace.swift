import Foundation
import Synchronization

/// Room in librdkafka's local produce queue, as senders wait for it: every delivery report frees a
/// place and bumps a generation; a sender that found the queue full at generation `g` waits until
/// the generation moves past `g` (so a report that came in between is never missed).
final class QueueSpace: Sendable {
    private let state = Mutex<(generation: UInt64, waiting: [CheckedContinuation<Void, Never>])>((0, []))

    var generation: UInt64 { state.withLock { $0.generation } }

    /// A report freed a place: wakes every waiting sender.
    func freed() {
        let waiting = state.withLock { state in
            state.generation &+= 1
            defer { state.waiting = [] }
            return state.waiting
        }
        for continuation in waiting { continuation.resume() }
    }

    /// Suspends the task until a place was freed after `generation`.
    func wait(after generation: UInt64) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { state in
                if state.generation != generation { return true }
                state.waiting.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    /// Blocks the calling thread (one that may block, never a task's) until a place was freed after
    /// `generation`, checking every millisecond.
    func waitBlocking(after generation: UInt64) {
        while self.generation == generation { usleep(1_000) }
    }
}

/// A value produced once by a callback and awaited by one task, whichever comes first.
final class Outcome<Value: Sendable>: Sendable {
    private let state = Mutex<(value: Value?, waiting: CheckedContinuation<Value, Never>?)>((nil, nil))

    func fulfil(_ value: Value) {
        let waiting = state.withLock { state -> CheckedContinuation<Value, Never>? in
            guard let waiting = state.waiting else {
                state.value = value
                return nil
            }
            state.waiting = nil
            return waiting
        }
        waiting?.resume(returning: value)
    }

    func value() async -> Value {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> Value? in
                if let value = state.value { return value }
                state.waiting = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}

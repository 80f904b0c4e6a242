import Foundation

/// A dedicated OS thread that calls a blocking poll function until stopped.
/// librdkafka callbacks run here, never on Swift's cooperative thread pool.
final class PollThread: Sendable {
    private let running = AtomicFlag(true)
    private let finished = DispatchSemaphore(value: 0)

    init(name: String, poll: @escaping @Sendable () -> Void) {
        let thread = Thread { [running, finished] in
            while running.isSet { poll() }
            finished.signal()
        }
        thread.name = name
        thread.start()
    }

    /// Stops the loop and waits for the current poll call to return.
    func stop() {
        guard running.isSet else { return }
        running.set(false)
        finished.wait()
    }
}

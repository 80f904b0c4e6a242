import Foundation
import Synchronization

/// One dedicated OS thread that runs submitted jobs in order, so that a GDAL dataset and the PROJ
/// objects inside it are only ever touched by that thread, and blocking file I/O never occupies
/// Swift concurrency's cooperative pool.
final class WorkerThread: Sendable {
    private final class Shared: Sendable {
        struct Queue {
            var jobs: [@Sendable () -> Void] = []
            var stopping = false
        }

        let queue = Mutex(Queue())
        let wakeUp = DispatchSemaphore(value: 0)

        /// Queues a job unless stopping.
        func enqueue(_ job: @escaping @Sendable () -> Void) -> Bool {
            let accepted = queue.withLock { state in
                guard !state.stopping else { return false }
                state.jobs.append(job)
                return true
            }
            if accepted { wakeUp.signal() }
            return accepted
        }

        /// Runs jobs until woken with none left after `stop`.
        func loop() {
            while true {
                wakeUp.wait()
                let next: (@Sendable () -> Void)? = queue.withLock { state in
                    state.jobs.isEmpty ? nil : state.jobs.removeFirst()
                }
                guard let next else { return }
                next()
            }
        }
    }

    private let shared = Shared()

    init(name: String) {
        let thread = Thread { [shared] in shared.loop() }
        thread.name = name
        // GDAL's parsers (GML, KML, deep GeoJSON) recurse; give them the stack a main thread has.
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Queues a job; jobs run one after another on the thread. Ignored after `stop`.
    func submit(_ job: @escaping @Sendable () -> Void) {
        _ = shared.enqueue(job)
    }

    /// Runs `body` on the thread and returns its result.
    func run<T: Sendable>(_ body: @escaping @Sendable () throws(GeoFormatsError) -> T) async throws(GeoFormatsError) -> T {
        let result: Result<T, GeoFormatsError> = await withCheckedContinuation { continuation in
            let accepted = shared.enqueue { continuation.resume(returning: Result(catching: body)) }
            if !accepted {
                continuation.resume(returning: .failure(GeoFormatsError(.closed, "the GDAL worker thread has stopped")))
            }
        }
        return try result.get()
    }

    /// Lets the queued jobs finish, then ends the thread.
    func stop() {
        let first = shared.queue.withLock { state in
            defer { state.stopping = true }
            return !state.stopping
        }
        if first { shared.wakeUp.signal() }
    }
}

/// A value that only the worker thread touches: the reader or writer it runs. `@unchecked Sendable`
/// because the box crosses into the thread's jobs, never into two threads at once.
final class ThreadConfined<Value>: @unchecked Sendable {
    var value: Value?

    init() {}
}

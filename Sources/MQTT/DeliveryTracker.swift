import Foundation

/// Counts messages handed on but not yet confirmed, so acknowledgements can wait for them.
final class DeliveryTracker: @unchecked Sendable {
    private let condition = NSCondition()
    private var outstanding = 0
    private var failures = 0

    func begin() {
        condition.lock()
        outstanding += 1
        condition.unlock()
    }

    func finish(success: Bool) {
        condition.lock()
        outstanding -= 1
        if !success { failures += 1 }
        if outstanding == 0 { condition.broadcast() }
        condition.unlock()
    }

    var isIdle: Bool {
        condition.lock()
        defer { condition.unlock() }
        return outstanding == 0 && failures == 0
    }

    /// Waits until nothing is outstanding or the deadline passes. Returns whether everything settled,
    /// and how many failed since the last call (the count is then reset).
    func settle(before deadline: Date) -> (settled: Bool, failures: Int) {
        condition.lock()
        defer { condition.unlock() }
        while outstanding > 0, condition.wait(until: deadline) {}
        let failed = failures
        failures = 0
        return (outstanding == 0, failed)
    }
}

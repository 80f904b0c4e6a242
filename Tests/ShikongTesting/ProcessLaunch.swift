import Foundation
import Synchronization

/// Foundation's `Process.run()` crashed once (a bad read in `memcpy` inside it) while two test
/// threads launched tools at the same moment; launches from the tests take turns.
private let launches = Mutex(())

extension Process {
    /// `run()`, one launch at a time across the test process.
    public func runAlone() throws {
        try launches.withLock { _ in try run() }
    }
}

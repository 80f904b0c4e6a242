import Foundation
import Synchronization

/// A progress bar on standard error: done/total, rate and ETA, redrawn at most ten times a second.
final class ProgressBar: Sendable {
    private let total: Int
    private let label: String
    private let started = ContinuousClock.now
    private let lastDraw = Mutex<ContinuousClock.Instant?>(nil)

    init(total: Int, label: String) {
        self.total = total
        self.label = label
    }

    /// Redraws the bar (rate-limited; ``finish()`` draws the final state).
    func update(_ done: Int) {
        let now = ContinuousClock.now
        let draw = lastDraw.withLock { last -> Bool in
            if let previous = last, now - previous < .milliseconds(100) { return false }
            last = now
            return true
        }
        if draw { FileHandle.standardError.write(Data(line(done, now: now).utf8)) }
    }

    func finish() {
        FileHandle.standardError.write(Data((line(total, now: .now) + "\n").utf8))
    }

    private func line(_ done: Int, now: ContinuousClock.Instant) -> String {
        let elapsed = Double((now - started).components.attoseconds) / 1e18 + Double((now - started).components.seconds)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let fraction = total > 0 ? Double(done) / Double(total) : 1
        let width = 30
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "=", count: filled) + (filled < width ? ">" : "") + String(repeating: " ", count: max(0, width - filled - 1))
        let eta = rate > 0 ? Double(total - done) / rate : 0
        return String(format: "\r%@ [%@] %3.0f%% %d/%d  %.0f/s  ETA %.0fs ", label, bar, fraction * 100, done, total, rate, eta)
    }
}

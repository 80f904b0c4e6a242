import Foundation
import Synchronization

/// A progress bar on standard error: done/total, rate and ETA, redrawn at most ten times a second.
final class ProgressBar: Sendable {
    private let label: String
    private let started = ContinuousClock.now
    private let state: Mutex<(lastDraw: ContinuousClock.Instant?, done: Int, total: Int)>

    init(total: Int, label: String) {
        self.label = label
        state = Mutex((nil, 0, total))
    }

    /// Redraws the bar (rate-limited; ``finish()`` draws the final state). A total given here replaces
    /// the one given at the start (for work whose size is only known once it began).
    func update(_ done: Int, total: Int? = nil) {
        let now = ContinuousClock.now
        let draw: (done: Int, total: Int)? = state.withLock { state in
            state.done = done
            if let total { state.total = total }
            if let previous = state.lastDraw, now - previous < .milliseconds(100) { return nil }
            state.lastDraw = now
            return (state.done, state.total)
        }
        if let draw { FileHandle.standardError.write(Data(line(draw.done, draw.total, now: now).utf8)) }
    }

    func finish() {
        let (done, total) = state.withLock { ($0.done, max($0.total, $0.done)) }
        FileHandle.standardError.write(Data((line(max(done, total), total, now: .now) + "\n").utf8))
    }

    private func line(_ done: Int, _ total: Int, now: ContinuousClock.Instant) -> String {
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

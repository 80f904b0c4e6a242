import Foundation
import ShikongTesting
import Synchronization

/// A live subscriber in a child process: `scripts/live-client` (a plain-socket SSE reader, or a
/// WebSocket client from the `websockets` package), whose JSON lines are collected as they come.
final class LiveClient: Sendable {
    /// One message as the client printed it.
    struct Line: Sendable {
        /// `message` (a feature over SSE), `feature` (over WebSocket), `live`, `gap`, `error`,
        /// `comment`, `id`, `connected`, `closed`, `http-error`.
        var event: String
        /// The SSE id (the cursor) or the WebSocket message's cursor.
        var id: String?
        /// The line as the client printed it.
        var line: String
        /// The feature's id (a reading's event id), read once when the line came: tests look at
        /// every line received so far ten times a second, 15,000 of them in the slow-subscriber test.
        var featureID: String?

        /// The message object, as JSON text.
        var data: String? {
            guard let value = message, JSONSerialization.isValidJSONObject(value) else { return nil }
            return (try? JSONSerialization.data(withJSONObject: value)).map { String(decoding: $0, as: UTF8.self) }
        }

        var json: [String: Any] { message as? [String: Any] ?? [:] }

        /// The line's `data` member, parsed when asked for.
        private var message: Any? {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], let value = object["data"],
                !(value is NSNull)
            else { return nil }
            return value
        }
        var isFeature: Bool { event == "message" || event == "feature" }
    }

    private let process: Process
    private let lines = Mutex<[Line]>([])

    /// Starts `scripts/live-client` with `arguments` (the URL and its options).
    init(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = TestPlatform.repositoryRoot.appendingPathComponent(".venv/bin/python")
        process.arguments = [TestPlatform.repositoryRoot.appendingPathComponent("scripts/live-client").path] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        self.process = process
        try process.run()
        let handle = output.fileHandleForReading
        // A GCD thread reads the pipe, so the cooperative pool (which the API under test needs) is not held.
        DispatchQueue.global().async { [self] in
            var pending = Data()
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                pending.append(chunk)
                // The lines of the chunk, taken out of `pending` at once (not one removal per line).
                var start = pending.startIndex
                defer { pending.removeSubrange(pending.startIndex..<start) }
                while let newline = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
                    let text = String(decoding: pending[start..<newline], as: UTF8.self)
                    start = pending.index(after: newline)
                    guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { continue }
                    // Only what every wait looks at is read now; the message itself when asked for.
                    let feature = ((object["data"] as? [String: Any])?["feature"] as? [String: Any])?["id"] as? String
                    let line = Line(event: object["event"] as? String ?? "", id: object["id"] as? String, line: text, featureID: feature)
                    lines.withLock { $0.append(line) }
                }
            }
        }
    }

    deinit { stop() }

    /// What the client has printed so far.
    var received: [Line] { lines.withLock { $0 } }

    /// Waits until `done` accepts what was received, or `timeout` passes; returns whether it did.
    @discardableResult
    func wait(timeout: Duration = .seconds(60), until done: ([Line]) -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if done(received) { return true }
            // A client that has exited (a missing Python package, a refused connection) sends nothing more.
            if !process.isRunning {
                try await Task.sleep(for: .milliseconds(200))
                return done(received)
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        return done(received)
    }

    func stop() {
        if process.isRunning { process.terminate() }
    }
}

import Foundation
import LocalStack
import Platform

#if canImport(Glibc)
    import Glibc
#endif

/// A stage run as its own `shikong` process against a test platform's services, so a test can kill
/// it with SIGKILL at any instant and start it again, as a crash and a supervisor would.
public final class StageProcess: @unchecked Sendable {
    public let stage: Stage
    /// Tells apart instances of one stage (their logs and pid files): 0 for the first.
    public let replica: Int
    private let platform: TestPlatform
    private let lock = NSLock()
    private var child: ChildProcess?
    private var starts = 0
    private var port = 0
    /// More options for the command line (e.g. `--metrics-port`, `--heartbeat-interval`, `--no-live-layer`).
    public let extraArguments: [String]

    public init(_ stage: Stage, platform: TestPlatform, replica: Int = 0, extraArguments: [String] = []) {
        self.stage = stage
        self.replica = replica
        self.platform = platform
        self.extraArguments = extraArguments
    }

    /// `process`, or `process-1` for the second instance: names its logs and pid file.
    public var name: String { replica == 0 ? stage.rawValue : "\(stage.rawValue)-\(replica)" }

    /// The log of the current (or last) start.
    public var log: URL {
        lock.lock()
        defer { lock.unlock() }
        return logURL(start: starts)
    }

    private func logURL(start: Int) -> URL {
        platform.dataDirectory.appendingPathComponent("logs/stage-\(name)-\(start).log")
    }

    /// The debug build of the CLI, built with the tests.
    public static var executable: URL {
        TestPlatform.repositoryRoot.appendingPathComponent(".build/debug/shikong")
    }

    public func start() throws {
        let configuration = platform.configuration
        let port = freePort()
        lock.withLock { self.port = port }
        var arguments = [
            stage == .ingest ? "ingest" : stage == .process ? "process" : stage == .project ? "project" : "serve",
            "--kafka", configuration.kafkaBootstrap, "--mqtt", "\(configuration.mqttHost):\(configuration.mqttPort)",
            "--database", configuration.database.url, "--http-port", String(port), "--instance", configuration.instance,
            "--topics-dir", TestPlatform.repositoryRoot.appendingPathComponent("topics").path, "--feed", "city/+/air@EPSG:4326",
        ]
        if stage == .ingest { arguments.append("--ack-after-archive") }
        arguments += extraArguments
        lock.lock()
        defer { lock.unlock() }
        starts += 1
        child = try ChildProcess(
            name: "shikong-\(name)", executable: Self.executable.path, arguments: arguments, log: logURL(start: starts),
            pidFile: platform.dataDirectory.appendingPathComponent("run/stage-\(name).pid"))
    }

    /// SIGKILL: no shutdown, no flush, no commit.
    public func kill() {
        lock.lock()
        let current = child
        lock.unlock()
        guard let current, current.isRunning else { return }
        Glibc.kill(current.pid, SIGKILL)
        current.waitForExit(timeout: 10)
    }

    /// SIGSTOP (`true`) or SIGCONT (`false`): a stall, as a long pause of the machine would make one.
    public func freeze(_ frozen: Bool) {
        lock.lock()
        let current = child
        lock.unlock()
        guard let current, current.isRunning else { return }
        Glibc.kill(current.pid, frozen ? SIGSTOP : SIGCONT)
    }

    /// SIGTERM and wait: a graceful stop.
    public func stop() {
        lock.lock()
        let current = child
        lock.unlock()
        current?.stop(signal: SIGTERM, timeout: 30)
    }

    /// The HTTP port of the current (or last) start (`serve` answers on it).
    public var httpPort: Int { lock.withLock { port } }

    public var isRunning: Bool {
        lock.lock()
        defer { lock.unlock() }
        return child?.isRunning ?? false
    }
}

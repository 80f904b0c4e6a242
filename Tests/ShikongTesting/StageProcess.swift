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
    private let platform: TestPlatform
    private let lock = NSLock()
    private var child: ChildProcess?
    private var starts = 0
    /// More options for the command line (e.g. `--metrics-port`, `--heartbeat-interval`).
    public let extraArguments: [String]

    public init(_ stage: Stage, platform: TestPlatform, extraArguments: [String] = []) {
        self.stage = stage
        self.platform = platform
        self.extraArguments = extraArguments
    }

    /// The debug build of the CLI, built with the tests.
    public static var executable: URL {
        TestPlatform.repositoryRoot.appendingPathComponent(".build/debug/shikong")
    }

    public func start() throws {
        let configuration = platform.configuration
        var arguments = [
            stage == .ingest ? "ingest" : stage == .process ? "process" : stage == .project ? "project" : "serve",
            "--kafka", configuration.kafkaBootstrap, "--mqtt", "\(configuration.mqttHost):\(configuration.mqttPort)",
            "--database", configuration.database.url, "--http-port", String(freePort()), "--instance", configuration.instance,
            "--topics-dir", TestPlatform.repositoryRoot.appendingPathComponent("topics").path, "--feed", "city/+/air@EPSG:4326",
        ]
        if stage == .ingest { arguments.append("--ack-after-archive") }
        arguments += extraArguments
        lock.lock()
        defer { lock.unlock() }
        starts += 1
        let log = platform.dataDirectory.appendingPathComponent("logs/stage-\(stage.rawValue)-\(starts).log")
        child = try ChildProcess(
            name: "shikong-\(stage.rawValue)", executable: Self.executable.path, arguments: arguments, log: log,
            pidFile: platform.dataDirectory.appendingPathComponent("run/stage-\(stage.rawValue).pid"))
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

    /// SIGTERM and wait: a graceful stop.
    public func stop() {
        lock.lock()
        let current = child
        lock.unlock()
        current?.stop(signal: SIGTERM, timeout: 30)
    }

    public var isRunning: Bool {
        lock.lock()
        defer { lock.unlock() }
        return child?.isRunning ?? false
    }
}

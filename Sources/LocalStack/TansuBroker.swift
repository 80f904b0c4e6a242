import Foundation
import Logging

/// The Tansu Kafka-protocol broker, in-memory storage, on loopback. Its log does not survive a
/// restart: the platform copes (positions are reset, effects are keyed by event id).
struct TansuBroker {
    let configuration: StackConfiguration
    let logger: Logger

    func start() async throws -> ChildProcess {
        guard FileManager.default.isExecutableFile(atPath: configuration.tansuExecutable) else {
            throw LocalStackError("Tansu not found at \(configuration.tansuExecutable): run scripts/setup, or set SHIKONG_TANSU_BIN")
        }
        let log = configuration.logDirectory.appendingPathComponent("tansu.log")
        let url = "tcp://\(configuration.host):\(configuration.kafkaPort)"
        let child = try ChildProcess(
            name: "tansu", executable: configuration.tansuExecutable,
            arguments: ["broker", "--listener-url", url, "--advertised-listener-url", url, "--storage-engine", "memory://tansu/"],
            log: log, pidFile: configuration.runDirectory.appendingPathComponent("tansu.pid"))
        try await waitForPort(configuration.kafkaPort, host: configuration.host, child: child, timeout: 60, logFile: log)
        return child
    }
}

import Foundation
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// Mosquitto on loopback with persistence under `<data>/mosquitto`, so a persistent session's
/// unacknowledged messages survive a broker restart. The in-flight window (5000) and the queue are
/// raised well above Mosquitto's defaults (20 and 1000), which would otherwise throttle or drop a busy
/// feed. The bridge acknowledges a burst only once the archive holds all of it, so its rate is at most
/// the window per round trip (produce, archive, commit): 1000 capped it near 5k readings/s. The window must stay well below 65,535: a message id is 16 bits, and with more messages in
/// flight Mosquitto reuses ids, so one acknowledgement would remove two messages (a lost reading,
/// possible with an unlimited window and a backlog of more than 65,535 messages). Mosquitto 2.0.11
/// sometimes never sent messages queued behind a bounded window; `scripts/setup` installs 2.0.21.
struct MosquittoBroker {
    let configuration: StackConfiguration
    let logger: Logger

    func start() async throws -> ChildProcess {
        guard FileManager.default.isExecutableFile(atPath: configuration.mosquittoExecutable) else {
            throw LocalStackError("\(configuration.mosquittoExecutable) not found: install mosquitto (scripts/setup does)")
        }
        let directory = configuration.mosquittoDirectory
        let log = configuration.logDirectory.appendingPathComponent("mosquitto.log")
        var lines = [
            "listener \(configuration.mqttPort) \(configuration.host)",
            "persistence true",
            "persistence_location \(directory.path)/",
            "autosave_interval 10",
            "max_inflight_messages 5000",
            "max_queued_messages 1000000",
            "log_dest stderr",
            "log_type error",
            "log_type warning",
            "log_type notice",
        ]
        if let files = configuration.mqttAccessFiles {
            try Self.write(files.passwords, to: configuration.mqttPasswordFile)
            try Self.write(files.acl, to: configuration.mqttACLFile)
            lines += [
                "allow_anonymous false", "password_file \(configuration.mqttPasswordFile.path)", "acl_file \(configuration.mqttACLFile.path)",
            ]
        } else {
            lines.append("allow_anonymous true")
        }
        if geteuid() == 0, let entry = getpwnam("mosquitto") {
            chown(directory.path, entry.pointee.pw_uid, entry.pointee.pw_gid)
            lines.append("user mosquitto")
        }
        let configFile = configuration.runDirectory.appendingPathComponent("mosquitto.conf")
        try (lines.joined(separator: "\n") + "\n").write(to: configFile, atomically: true, encoding: .utf8)
        let child = try ChildProcess(
            name: "mosquitto", executable: configuration.mosquittoExecutable, arguments: ["-c", configFile.path], log: log,
            pidFile: configuration.runDirectory.appendingPathComponent("mosquitto.pid"))
        try await waitForPort(configuration.mqttPort, host: configuration.host, child: child, timeout: 60, logFile: log)
        return child
    }

    /// Writes an access file readable by the broker alone (its own user when it runs as `mosquitto`).
    static func write(_ text: String, to file: URL) throws {
        let temporary = file.appendingPathExtension("new")
        try text.write(to: temporary, atomically: false, encoding: .utf8)
        chmod(temporary.path, 0o600)
        if geteuid() == 0, let entry = getpwnam("mosquitto") { chown(temporary.path, entry.pointee.pw_uid, entry.pointee.pw_gid) }
        _ = rename(temporary.path, file.path)
    }
}

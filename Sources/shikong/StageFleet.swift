import Foundation
import Ingest
import LocalStack
import Platform

/// Stages run as separate processes of this binary against a local stack's services, several
/// instances of a stage sharing its consumer groups, as a multi-node deployment runs them
/// (`shikong bench pipeline --process-instances 2 --project-instances 2`).
struct StageFleet {
    private var children: [ChildProcess] = []

    /// Starts one `ingest` (every bridge would share the MQTT client id and session), `processes`
    /// `process` instances and `projections` `project` instances; their logs go under `directory/logs`.
    init(configuration: PlatformConfiguration, topicsDirectory: String, processes: Int, projections: Int, directory: URL, logLevel: String) throws {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        let logs = directory.appendingPathComponent("logs", isDirectory: true)
        let run = directory.appendingPathComponent("run", isDirectory: true)
        for folder in [logs, run] { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        let instances = [("ingest", 1), ("process", processes), ("project", projections)]
        var port = configuration.httpPort
        for (stage, count) in instances {
            for replica in 0..<count {
                port += 1
                var arguments = [
                    stage, "--kafka", configuration.kafkaBootstrap, "--mqtt", "\(configuration.mqttHost):\(configuration.mqttPort)",
                    "--database", configuration.database.url, "--http-port", String(port), "--instance", configuration.instance,
                    "--topics-dir", topicsDirectory, "--data-dir", directory.path, "--log-level", logLevel,
                ]
                arguments += configuration.feeds.flatMap { ["--feed", $0.description] }
                // The local broker keeps its log in memory: the bridge acknowledges once the archive has an event.
                if stage == "ingest" { arguments.append("--ack-after-archive") }
                // The live layer reads every partition and keeps one state: one `process` instance runs it.
                if stage == "process", replica > 0 { arguments.append("--no-live-layer") }
                let name = "\(stage)-\(replica)"
                children.append(
                    try ChildProcess(
                        name: "shikong-\(name)", executable: executable, arguments: arguments, log: logs.appendingPathComponent("\(name).log"),
                        pidFile: run.appendingPathComponent("\(name).pid")))
            }
        }
    }

    /// Stops the stages in pipeline order (SIGTERM: each drains what its upstream left).
    func stop() {
        for child in children { child.stop(signal: SIGTERM, timeout: 30) }
    }
}

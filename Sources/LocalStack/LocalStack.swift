import Foundation
import Logging
import ServiceLifecycle
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The local default stack: a PostgreSQL cluster under the data directory, Mosquitto and the Tansu
/// broker, on loopback ports. Started in that order, stopped in reverse.
public final class LocalStack: Sendable {
    /// The services of the stack, in start order.
    public enum Service: String, Sendable, CaseIterable {
        case postgres, mosquitto, tansu
    }

    public let configuration: StackConfiguration
    private let running: Mutex<[ChildProcess]>
    private let logger: Logger

    private init(configuration: StackConfiguration, children: [ChildProcess], logger: Logger) {
        self.configuration = configuration
        self.running = Mutex(children)
        self.logger = logger
    }

    public var children: [ChildProcess] { running.withLock { $0 } }

    /// The running process of a service.
    public func process(_ service: Service) -> ChildProcess? {
        children.first { $0.name == service.rawValue }
    }

    /// Starts a service again after it stopped or was killed (on the same ports and data). The
    /// broker comes back with an empty log: run `LogRecovery` before stages use it.
    public func restart(_ service: Service) async throws {
        if let old = process(service), old.isRunning { old.stop(signal: SIGINT, timeout: 30) }
        let child: ChildProcess
        switch service {
        case .postgres: child = try await PostgresCluster(configuration: configuration, logger: logger).start()
        case .mosquitto: child = try await MosquittoBroker(configuration: configuration, logger: logger).start()
        case .tansu: child = try await TansuBroker(configuration: configuration, logger: logger).start()
        }
        running.withLock { children in
            if let index = children.firstIndex(where: { $0.name == service.rawValue }) {
                children[index] = child
            } else {
                children.append(child)
            }
        }
        logger.info("restarted \(service.rawValue)")
    }

    /// Rewrites Mosquitto's password and ACL files and has it re-read them (SIGHUP): no restart, no
    /// client disconnected.
    public func reloadMQTTAccess(passwords: String, acl: String) throws {
        try MosquittoBroker.write(passwords, to: configuration.mqttPasswordFile)
        try MosquittoBroker.write(acl, to: configuration.mqttACLFile)
        if let broker = process(.mosquitto) { kill(broker.pid, SIGHUP) }
    }

    /// Starts every service and waits until each accepts connections. If one fails, those already
    /// started are stopped again.
    public static func start(_ configuration: StackConfiguration, logger: Logger) async throws -> LocalStack {
        let files = FileManager.default
        for directory in [configuration.dataDirectory, configuration.runDirectory, configuration.logDirectory, configuration.mosquittoDirectory] {
            try files.createDirectory(at: directory, withIntermediateDirectories: true)
        }
        reapLeftovers(configuration, logger: logger)
        // A service that cannot bind its port may keep running, and the wait below would then
        // accept whatever else answers there: a leftover broker from another run, with its data.
        for (name, port) in [("PostgreSQL", configuration.postgresPort), ("Mosquitto", configuration.mqttPort), ("Kafka", configuration.kafkaPort)]
        where canConnect(host: configuration.host, port: port) {
            throw LocalStackError(
                "\(configuration.host):\(port), the \(name) port, already accepts connections: another process holds it (a leftover `shikong up`?); stop it or choose other ports"
            )
        }
        var started: [ChildProcess] = []
        do {
            started.append(try await PostgresCluster(configuration: configuration, logger: logger).start())
            started.append(try await MosquittoBroker(configuration: configuration, logger: logger).start())
            started.append(try await TansuBroker(configuration: configuration, logger: logger).start())
        } catch {
            for child in started.reversed() { child.stop(signal: SIGINT) }
            throw error
        }
        logger.info(
            "local stack is up",
            metadata: [
                "postgres": "\(configuration.host):\(configuration.postgresPort)", "mqtt": "\(configuration.host):\(configuration.mqttPort)",
                "kafka": "\(configuration.kafkaBootstrap)", "data": "\(configuration.dataDirectory.path)",
            ])
        return LocalStack(configuration: configuration, children: started, logger: logger)
    }

    /// Stops the services in reverse order of starting (PostgreSQL last, with a fast shutdown).
    public func stop() {
        for child in children.reversed() where child.isRunning {
            logger.info("stopping \(child.name)")
            child.stop(signal: SIGINT, timeout: 30)
        }
    }

    /// The first child that has exited, if any.
    public var exitedChild: ChildProcess? { children.first { !$0.isRunning } }

    private static func reapLeftovers(_ configuration: StackConfiguration, logger: Logger) {
        let run = configuration.runDirectory
        ChildProcess.reapLeftover(pidFile: run.appendingPathComponent("tansu.pid"), expectedCommand: "tansu", logger: logger)
        ChildProcess.reapLeftover(pidFile: run.appendingPathComponent("mosquitto.pid"), expectedCommand: "mosquitto", logger: logger)
        ChildProcess.reapLeftover(
            pidFile: configuration.postgresDirectory.appendingPathComponent("postmaster.pid"), expectedCommand: "postgres", logger: logger)
    }
}

/// Runs inside the platform's service group: fails the group if a child dies, and stops the stack
/// when the group shuts down. List it first so it is shut down last.
public struct LocalStackService: Service {
    let stack: LocalStack

    public init(stack: LocalStack) {
        self.stack = stack
    }

    public func run() async throws {
        defer { stack.stop() }
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            if let exited = stack.exitedChild {
                throw LocalStackError(
                    "\(exited.name) exited unexpectedly (wait status \(exited.status ?? -1)); see \(stack.configuration.logDirectory.path)/\(exited.name).log"
                )
            }
            try? await Task.sleep(for: .milliseconds(500))
        }
    }
}

/// Waits until a TCP port on the host accepts connections, or the child exits, or time runs out.
public func waitForPort(_ port: Int, host: String, child: ChildProcess, timeout: TimeInterval, logFile: URL) async throws {
    let deadline = Date(timeIntervalSinceNow: timeout)
    while Date() < deadline {
        guard child.isRunning else {
            throw LocalStackError("\(child.name) exited while starting (wait status \(child.status ?? -1)); see \(logFile.path)")
        }
        if canConnect(host: host, port: port) { return }
        try await Task.sleep(for: .milliseconds(100))
    }
    // One more try: on a starved machine the sleep above can outlast the deadline by seconds.
    if child.isRunning && canConnect(host: host, port: port) { return }
    throw LocalStackError("\(child.name) did not accept connections on \(host):\(port) within \(Int(timeout)) s; see \(logFile.path)")
}

public func canConnect(host: String, port: Int) -> Bool {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { return false }
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    inet_pton(AF_INET, host, &address.sin_addr)
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
    }
}

/// Runs a short command to completion and returns its exit code (output to `log`).
func runToCompletion(_ executable: String, _ arguments: [String], name: String, log: URL, pidFile: URL) throws -> Int32 {
    let child = try ChildProcess(name: name, executable: executable, arguments: arguments, log: log, pidFile: pidFile)
    child.waitForExit(timeout: 600)
    guard let status = child.status else { throw LocalStackError("\(name) did not finish") }
    return (status & 0x7f) == 0 ? (status >> 8) & 0xff : -1
}

import CoreMetrics
import Events
import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import ServiceLifecycle
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Probes Kafka and MQTT (a TCP connection to a bootstrap broker, to the MQTT broker) and
/// PostgreSQL (`SELECT 1` through the node's pool) every `interval`, in the background, on NIO's
/// event loops, and keeps what it found in a ``DependencyHealth`` for `/health`. Each probe gives up
/// after `timeout`. Kafka is not asked for metadata: every such request updates librdkafka's topic
/// cache, and librdkafka 2.8 was seen crashing in that cache (a runaway AVL insert) while a
/// restarted local broker re-created its topics; the stages' own clients report broker errors in
/// their logs and metrics. It also keeps the node's gauges:
/// - `shikong_dependency_up{dependency,required}`: 1 when the last probe reached it,
/// - `shikong_dependency_latency_seconds{dependency}`: how long that probe took,
/// - `shikong_data_dir_free_bytes`, `shikong_data_dir_size_bytes`: the file system of the data directory.
public final class DependencyProbe: Service {
    let health: DependencyHealth
    /// The bootstrap brokers, `host:port` each.
    let brokers: [(host: String, port: Int)]
    let database: PostgresClient?
    let mqtt: (host: String, port: Int)
    let dataDirectory: URL
    let interval: Duration
    let timeout: Duration
    let logger: Logger

    public init(
        health: DependencyHealth, kafkaBootstrap: String, database: PostgresClient?, mqtt: (host: String, port: Int), dataDirectory: URL,
        interval: Duration = .seconds(5), timeout: Duration = .seconds(3), logger: Logger
    ) {
        self.health = health
        self.brokers = kafkaBootstrap.split(separator: ",").compactMap { entry in
            let text = entry.trimmingCharacters(in: .whitespaces)
            guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]) else { return nil }
            return (String(text[..<colon]), port)
        }
        self.database = database
        self.mqtt = mqtt
        self.dataDirectory = dataDirectory
        self.interval = interval
        self.timeout = timeout
        self.logger = logger
    }

    public func run() async throws {
        var previous: [DependencyHealth.Dependency: DependencyHealth.Check.Status] = [:]
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            async let kafka = probe { [brokers, timeout] in
                try await Self.connectToAny(brokers, timeout: timeout)
            }
            async let postgres = probe { [database, logger] in
                guard let database else { throw ProbeFailure("this node has no connection pool") }
                try await database.ping(logger: logger)
                return "SELECT 1 answered"
            }
            async let broker = probe { [mqtt, timeout] in
                try await Self.connect(host: mqtt.host, port: mqtt.port, timeout: timeout)
                return "TCP connection to \(mqtt.host):\(mqtt.port) accepted"
            }
            let results: [(DependencyHealth.Dependency, DependencyHealth.Check)] = [
                (.kafka, await kafka), (.postgresql, await postgres), (.mqtt, await broker),
            ]
            for (dependency, check) in results {
                health.record(dependency, check)
                Gauge(
                    label: "shikong_dependency_up",
                    dimensions: [("dependency", dependency.rawValue), ("required", "\(health.required.contains(dependency))")]
                )
                .record(check.status == .ok ? 1 : 0)
                if let latency = check.latencyMilliseconds {
                    Gauge(label: "shikong_dependency_latency_seconds", dimensions: [("dependency", dependency.rawValue)]).record(latency / 1_000)
                }
                if previous[dependency] != check.status, previous[dependency] != nil || check.status != .ok {
                    logger.log(
                        level: check.status == .ok ? .info : .warning, "dependency \(check.status == .ok ? "reachable" : "unreachable")",
                        metadata: ["dependency": "\(dependency.rawValue)", "reason": "\(check.reason ?? "")"])
                }
                previous[dependency] = check.status
            }
            recordDisk()
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.interval) }
        }
    }

    /// Runs one probe, bounded by `timeout` even when the call does not notice cancellation.
    private func probe(_ body: @escaping @Sendable () async throws -> String) async -> DependencyHealth.Check {
        let started = ContinuousClock.now
        let limit = timeout
        let outcome: Result<String, any Error> = await withCheckedContinuation { continuation in
            let once = Once()
            @Sendable func finish(_ result: Result<String, any Error>) {
                guard once.claim() else { return }
                continuation.resume(returning: result)
            }
            let work = Task {
                do { finish(.success(try await body())) } catch { finish(.failure(error)) }
            }
            Task {
                try? await Task.sleep(for: limit)
                finish(.failure(ProbeFailure("no answer within \(limit)")))
                work.cancel()
            }
        }
        let elapsed = ContinuousClock.now - started
        let milliseconds = Double(elapsed.components.seconds) * 1_000 + Double(elapsed.components.attoseconds) / 1e15
        switch outcome {
        case .success(let what): return .init(status: .ok, reason: what, latencyMilliseconds: milliseconds, checkedAt: Date())
        case .failure(let error): return .init(status: .error, reason: "\(error)", latencyMilliseconds: nil, checkedAt: Date())
        }
    }

    /// Connects to the bootstrap brokers in turn until one accepts.
    static func connectToAny(_ brokers: [(host: String, port: Int)], timeout: Duration) async throws -> String {
        var failures: [String] = []
        for broker in brokers {
            do {
                try await connect(host: broker.host, port: broker.port, timeout: timeout)
                return "TCP connection to bootstrap broker \(broker.host):\(broker.port) accepted"
            } catch {
                failures.append("\(broker.host):\(broker.port): \(error)")
            }
        }
        throw ProbeFailure(failures.isEmpty ? "no bootstrap broker configured" : failures.joined(separator: "; "))
    }

    /// Opens and closes a TCP connection on NIO's event loops (no thread of the pool blocks).
    static func connect(host: String, port: Int, timeout: Duration) async throws {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.milliseconds(Int64(timeout.components.seconds * 1_000)))
            .connect(host: host, port: port).get()
        try? await channel.close()
    }

    /// Space on the file system of the data directory (or of its nearest existing parent), as
    /// `df` counts it: free is what unprivileged writers may still use.
    private func recordDisk() {
        var path = dataDirectory.standardizedFileURL
        var stats = statvfs()
        while statvfs(path.path, &stats) != 0 {
            guard path.path != "/" else { return }
            path = path.deletingLastPathComponent()
        }
        Gauge(label: "shikong_data_dir_free_bytes").record(Int64(stats.f_bavail) * Int64(stats.f_frsize))
        Gauge(label: "shikong_data_dir_size_bytes").record(Int64(stats.f_blocks) * Int64(stats.f_frsize))
    }
}

/// Lets only the first of several racing callers through.
final class Once: Sendable {
    private let done = Mutex(false)

    func claim() -> Bool {
        done.withLock { done in
            guard !done else { return false }
            done = true
            return true
        }
    }
}

struct ProbeFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

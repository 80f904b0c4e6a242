import Events
import Foundation
import LocalStack
import Logging
import Platform
import ServiceLifecycle
import Synchronization

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A whole platform for integration tests: real PostgreSQL/PostGIS, Mosquitto and Tansu on free
/// loopback ports under a temporary directory, and every stage running in-process.
public final class TestPlatform: Sendable {
    public let stack: LocalStack
    public let configuration: PlatformConfiguration
    public let dataDirectory: URL
    private let pipeline: Pipeline
    private let group: ServiceGroup
    private let running: Task<Void, any Error>
    /// The administrator token the helpers send (made on first use).
    let adminTokenTask = Mutex<Task<String, any Error>?>(nil)

    /// Where test platforms keep their data: one directory per test process, removed when it exits
    /// (after its stacks are stopped), so test runs leave no clusters behind.
    public static let scratchRoot: URL = {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("shikong-tests-\(getpid())")
        try? FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        chmod(root.path, 0o755)
        StackRegistry.removeAtExit(root)
        return root
    }()

    /// The platform most tests share, started once per test process.
    public static func shared() async throws -> TestPlatform {
        try await SharedPlatform.instance.get()
    }

    /// Starts a platform; with an existing `dataDirectory` and `ports`, it resumes on that data.
    /// `stages` run in this process (none: the services only, for tests that run stages as processes).
    /// With `deviceCredentials`, Mosquitto takes only registered devices (and the platform's own account);
    /// with `walArchive`, PostgreSQL archives its WAL there (for backup and restore tests).
    public static func start(
        dataDirectory: URL? = nil, ports: Ports? = nil, stages: Set<Stage> = Set(Stage.allCases), deviceCredentials: Bool = false,
        walArchive: URL? = nil
    ) async throws -> TestPlatform {
        TestLogging.bootstrap()
        let logger = Logger(label: "shikong.test")
        let directory = dataDirectory ?? scratchRoot.appendingPathComponent("platform-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // PostgreSQL runs as its own user when the tests run as root: let it reach the directory.
        chmod(directory.path, 0o755)
        guard let tansu = StackConfiguration.locateTansu() else { throw LocalStackError("Tansu not found: run scripts/setup") }
        let ports = ports ?? Ports()
        var stackConfiguration = StackConfiguration(dataDirectory: directory, tansuExecutable: tansu)
        stackConfiguration.postgresPort = ports.postgres
        stackConfiguration.mqttPort = ports.mqtt
        stackConfiguration.kafkaPort = ports.kafka
        stackConfiguration.walArchiveDirectory = walArchive
        let catalogue = try TopicCatalogue.load(from: repositoryRoot.appendingPathComponent("topics"))
        let (stack, configuration) = try await LocalPlatform.bringUp(
            stackConfiguration, httpPort: ports.http, feeds: [.init(topicFilter: "city/+/air")], topics: catalogue, instance: "test",
            deviceCredentials: deviceCredentials, logger: logger)
        StackRegistry.register(stack)
        let pipeline = try Pipeline(configuration: configuration, stages: stages, logger: logger)
        var services = pipeline.services
        if let sync = DeviceAccessSync.local(stack: stack, configuration: configuration, logger: logger) { services.append(sync) }
        var groupConfiguration = ServiceGroupConfiguration(services: services.map { .init(service: $0) }, logger: logger)
        // Without taking the test process's signals, and without `ServiceGroupConfiguration.platform`'s
        // limits: a group whose cancellation outlasts its limit ends the process with a fatal error, and
        // one platform slow to stop on a loaded machine took the whole run with it. `stop()` bounds the
        // wait instead and stops the stack under a service that hangs.
        groupConfiguration.maximumGracefulShutdownDuration = .seconds(120)
        groupConfiguration.maximumCancellationDuration = nil
        let group = ServiceGroup(configuration: groupConfiguration)
        let running = Task { try await group.run() }
        let platform = TestPlatform(
            stack: stack, configuration: configuration, dataDirectory: directory, pipeline: pipeline, group: group, running: running)
        if stages.contains(.serve) { try await platform.waitUntilServing() }
        return platform
    }

    private init(
        stack: LocalStack, configuration: PlatformConfiguration, dataDirectory: URL, pipeline: Pipeline, group: ServiceGroup,
        running: Task<Void, any Error>
    ) {
        self.stack = stack
        self.configuration = configuration
        self.dataDirectory = dataDirectory
        self.pipeline = pipeline
        self.group = group
        self.running = running
    }

    public var ports: Ports {
        Ports(
            postgres: stack.configuration.postgresPort, mqtt: stack.configuration.mqttPort, kafka: stack.configuration.kafkaPort,
            http: configuration.httpPort)
    }

    public var baseURL: String { "http://127.0.0.1:\(configuration.httpPort)" }

    /// Stops the stages gracefully, then the services.
    public func stop() async {
        await group.triggerGracefulShutdown()
        // A service that has not finished its graceful shutdown after two minutes is cancelled, and
        // after half a minute more the stack stops anyway: one hang must not hold the whole run.
        let finished = Atomic<Bool>(false)
        let waiter = Task { [running] in
            _ = try? await running.value
            finished.store(true, ordering: .releasing)
        }
        if !(await Self.wait(for: finished, upTo: .seconds(120))) {
            print("TestPlatform: graceful shutdown took over 120 s; cancelling the services")
            running.cancel()
            if !(await Self.wait(for: finished, upTo: .seconds(30))) {
                print("TestPlatform: the services ignored cancellation for 30 s; stopping the stack under them")
            }
        }
        waiter.cancel()
        stack.stop()
        StackRegistry.unregister(stack)
    }

    /// Stops the platform and removes its data: a platform of its own that a test will not start
    /// again. A full run's platforms would otherwise keep gigabytes until the test process exits.
    public func discard() async {
        await stop()
        try? FileManager.default.removeItem(at: dataDirectory)
    }

    private static func wait(for flag: borrowing Atomic<Bool>, upTo limit: Duration) async -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if flag.load(ordering: .acquiring) { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return flag.load(ordering: .acquiring)
    }

    /// GET a path of the API as the test administrator (`token: nil`: anonymously); returns the
    /// status and the decoded JSON object.
    public func get(_ path: String, token: Token = .admin) async throws -> (status: Int, json: [String: Any]) {
        var request = URLRequest(url: URL(string: baseURL + path)!)
        try await authorize(&request, token)
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        return (status, (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:])
    }

    /// Polls `path` until `done` accepts the answer, or the timeout passes; returns the last answer.
    public func poll(_ path: String, timeout: Duration = .seconds(60), until done: ([String: Any]) -> Bool) async throws -> [String: Any] {
        let deadline = ContinuousClock.now + timeout
        var last: [String: Any] = [:]
        while ContinuousClock.now < deadline {
            last = try await get(path).json
            if done(last) { return last }
            try await Task.sleep(for: .milliseconds(250))
        }
        return last
    }

    private func waitUntilServing() async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if let (status, _) = try? await get("/health", token: .anonymous), status == 200 { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw LocalStackError("the API did not answer /health within 60 s")
    }

    /// The package root, found from this file's path.
    public static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
}

/// Loopback ports for one platform.
public struct Ports: Sendable {
    public var postgres: Int
    public var mqtt: Int
    public var kafka: Int
    public var http: Int

    public init(postgres: Int = freePort(), mqtt: Int = freePort(), kafka: Int = freePort(), http: Int = freePort()) {
        self.postgres = postgres
        self.mqtt = mqtt
        self.kafka = kafka
        self.http = http
    }
}

/// A free port below the kernel's ephemeral range. Services restarted by a test (PostgreSQL, the
/// broker) bind their port again after it was free for seconds: a port from the ephemeral range can
/// meanwhile become the local end of one of the many outgoing connections, or be handed to another
/// platform starting in parallel, and the restarted service then cannot listen there.
public func freePort() -> Int {
    let ephemeral = ephemeralPortRange()
    let candidates = 10_000..<max(10_001, ephemeral.lowerBound)
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<200 {
        let port = Int.random(in: candidates, using: &generator)
        if bindable(port) { return port }
    }
    return kernelChosenPort()
}

/// The ephemeral range from `/proc/sys/net/ipv4/ip_local_port_range` (Linux's default if unreadable).
private func ephemeralPortRange() -> ClosedRange<Int> {
    let text = (try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8)) ?? ""
    let bounds = text.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
    guard bounds.count == 2, bounds[0] <= bounds[1] else { return 32_768...60_999 }
    return bounds[0]...bounds[1]
}

/// Whether a listening socket could take `port` on 127.0.0.1 now.
private func bindable(_ port: Int) -> Bool {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { return false }
    defer { close(descriptor) }
    var address = loopback(port: port)
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
    }
}

/// A port the kernel picks as free right now (from its ephemeral range).
private func kernelChosenPort() -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(descriptor) }
    var address = loopback(port: 0)
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) } }
    _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) } }
    return Int(UInt16(bigEndian: address.sin_port))
}

private func loopback(port: Int) -> sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    return address
}

/// Stops every stack still running when the test process exits, so no service outlives the tests,
/// then removes the scratch directories.
enum StackRegistry {
    private static let stacks = Mutex<[ObjectIdentifier: LocalStack]>([:])
    private static let directories = Mutex<[URL]>([])
    private static let installed: Bool = {
        atexit { StackRegistry.stopAll() }
        return true
    }()

    static func register(_ stack: LocalStack) {
        _ = installed
        stacks.withLock { $0[ObjectIdentifier(stack)] = stack }
    }

    static func unregister(_ stack: LocalStack) {
        _ = stacks.withLock { $0.removeValue(forKey: ObjectIdentifier(stack)) }
    }

    static func removeAtExit(_ directory: URL) {
        _ = installed
        directories.withLock { $0.append(directory) }
    }

    static func stopAll() {
        for stack in stacks.withLock({ Array($0.values) }) { stack.stop() }
        for directory in directories.withLock({ $0 }) { try? FileManager.default.removeItem(at: directory) }
    }
}

/// Starts the shared platform once, whoever asks first.
actor SharedPlatform {
    static let instance = SharedPlatform()
    private var task: Task<TestPlatform, any Error>?

    func get() async throws -> TestPlatform {
        if let task { return try await task.value }
        let task = Task { try await TestPlatform.start() }
        self.task = task
        return try await task.value
    }
}

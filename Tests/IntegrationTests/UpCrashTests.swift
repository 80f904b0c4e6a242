import Foundation
import Database
import LocalStack
import Logging
import Platform
import PostgresNIO
import Projections
import ShikongTesting
import Testing

#if canImport(Glibc)
    import Glibc
#endif
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The whole local stack as a user runs it: the built `shikong up`, and paho-mqtt (from `.venv`) as
/// the outside publisher at QoS 1. Every reading Mosquitto acknowledged must be projected exactly
/// once — through a SIGKILL of `shikong up` (its PostgreSQL, Mosquitto and broker keep running)
/// and a restart on the same data directory, and when publishing starts the moment `up` says it is up.
@Suite("Crash of the whole local stack", .serialized)
struct UpCrashTests {
    @Test("SIGKILL of shikong up at reading 10,000 (children left running), restart on the same directory: every acknowledged reading once")
    func killedUp() async throws {
        let up = try UpProcess()
        defer { up.stopAll() }
        try up.start()
        try await up.waitUntilAnnounced(timeout: .seconds(180))
        let publisher = try up.publisher(count: 15_000, rate: 3_000, killAt: 10_000)
        try await up.waitForFile("killed", timeout: .seconds(60))
        try up.start()
        try await up.waitUntilAnnounced(timeout: .seconds(180))
        try up.touch("restarted")
        let acknowledged = try await up.acknowledged(by: publisher, timeout: .seconds(180))
        #expect(acknowledged.count >= 10_000, "paho saw \(acknowledged.count) acknowledgements")
        try await up.expectProjectedOnce(acknowledged)
    }

    @Test("publishing the moment a fresh shikong up says it is up loses nothing")
    func publishRightAfterUp() async throws {
        let up = try UpProcess()
        defer { up.stopAll() }
        try up.start()
        try await up.waitUntilAnnounced(timeout: .seconds(180))
        let publisher = try up.publisher(count: 3_000, rate: 0, killAt: nil)
        let acknowledged = try await up.acknowledged(by: publisher, timeout: .seconds(120))
        #expect(acknowledged.count == 3_000, "paho saw \(acknowledged.count) acknowledgements")
        try await up.expectProjectedOnce(acknowledged)
    }
}

/// `shikong up` on its own data directory and ports, run as a child process that the test can kill.
final class UpProcess: @unchecked Sendable {
    let directory: URL
    let ports = Ports()
    let prefix = "up-\(UUID().uuidString.prefix(6).lowercased())"
    private var processes: [ChildProcess] = []
    private var starts = 0

    init() throws {
        directory = TestPlatform.scratchRoot.appendingPathComponent("up-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("test"), withIntermediateDirectories: true)
        chmod(directory.path, 0o755)
    }

    var log: URL { directory.appendingPathComponent("test/up-\(starts).log") }

    func start() throws {
        starts += 1
        let arguments = [
            "up", "--data-dir", directory.path, "--http-port", String(ports.http), "--pg-port", String(ports.postgres), "--mqtt-port",
            String(ports.mqtt), "--kafka-port", String(ports.kafka), "--topics-dir",
            TestPlatform.repositoryRoot.appendingPathComponent("topics").path,
        ]
        processes.append(
            try ChildProcess(
                name: "shikong-up-\(starts)", executable: StageProcess.executable.path, arguments: arguments, log: log,
                pidFile: directory.appendingPathComponent("test/up-\(starts).pid")))
    }

    var current: ChildProcess? { processes.last }

    /// Waits for `Shikong is up` in the current run's log, then checks `/health` agrees.
    func waitUntilAnnounced(timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            guard current?.isRunning == true else { throw LocalStackError("shikong up exited; see \(log.path)") }
            if let text = try? String(contentsOf: log, encoding: .utf8), text.contains("Shikong is up") {
                let health = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(ports.http)/health")!)
                #expect(
                    (health.1 as? HTTPURLResponse)?.statusCode == 200, "/health after Shikong is up: \(String(decoding: health.0, as: UTF8.self))")
                return
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw LocalStackError("shikong up did not say it is up within \(timeout); see \(log.path)")
    }

    /// Starts the paho publisher: `count` readings at `rate` per second (0: as fast as it can), QoS 1;
    /// with `killAt`, it sends SIGKILL to the current `shikong up` after that many, writes `killed`,
    /// and waits for `restarted` before it goes on.
    func publisher(count: Int, rate: Int, killAt: Int?) throws -> ChildProcess {
        let script = """
            import json, os, signal, sys, time
            import paho.mqtt.client as mqtt
            port, prefix, count, rate, kill_at, up_pid, marks = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), sys.argv[7]
            acked = set()
            # paho numbers messages 1, 2, 3, … (no wrap below 65,535): reading i is message i + 1.
            def on_publish(client, userdata, mid, reason_code, properties):
                acked.add(mid - 1)
            client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=prefix + "-publisher", clean_session=False)
            client.max_inflight_messages_set(1000)
            client.max_queued_messages_set(0)
            client.on_publish = on_publish
            client.connect("127.0.0.1", port)
            client.loop_start()
            start = time.time()
            for index in range(count):
                if rate:
                    delay = start + index / rate - time.time()
                    if delay > 0: time.sleep(delay)
                ts = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(1767225600 + index // 50)) + "Z"
                payload = json.dumps({"ts": ts, "lon": 114.0 + (index % 50) * 0.01, "lat": 30.5, "values": {"pm25": index % 97}})
                client.publish("city/%s-%d/air" % (prefix, index % 50), payload, qos=1)
                if kill_at and index + 1 == kill_at:
                    os.kill(up_pid, signal.SIGKILL)
                    open(os.path.join(marks, "killed"), "w").close()
                    while not os.path.exists(os.path.join(marks, "restarted")): time.sleep(0.05)
                    start = time.time() - (index + 1) / rate
            deadline = time.time() + 120
            while len(acked) < count and time.time() < deadline: time.sleep(0.1)
            client.loop_stop()
            print(json.dumps(sorted(acked)))
            """
        let marks = directory.appendingPathComponent("test")
        return try ChildProcess(
            name: "paho", executable: TestPlatform.repositoryRoot.appendingPathComponent(".venv/bin/python").path,
            arguments: [
                "-c", script, String(ports.mqtt), prefix, String(count), String(rate), String(killAt ?? 0), String(current?.pid ?? 0), marks.path,
            ],
            log: marks.appendingPathComponent("paho.log"), pidFile: marks.appendingPathComponent("paho.pid"))
    }

    func waitForFile(_ name: String, timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        let file = directory.appendingPathComponent("test/\(name)")
        while !FileManager.default.fileExists(atPath: file.path) {
            guard ContinuousClock.now < deadline else { throw LocalStackError("no \(name) within \(timeout)") }
            try await Task.sleep(for: .milliseconds(20))
        }
        current?.waitForExit(timeout: 10)
    }

    func touch(_ name: String) throws {
        try Data().write(to: directory.appendingPathComponent("test/\(name)"))
    }

    /// The reading indices paho saw acknowledged, once it has finished.
    func acknowledged(by publisher: ChildProcess, timeout: Duration) async throws -> [Int] {
        let deadline = ContinuousClock.now + timeout
        while publisher.isRunning {
            guard ContinuousClock.now < deadline else {
                publisher.stop(signal: SIGKILL)
                throw LocalStackError("the paho publisher did not finish")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        let output = try String(contentsOf: directory.appendingPathComponent("test/paho.log"), encoding: .utf8)
        let line = output.split(separator: "\n").last.map(String.init) ?? ""
        return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [Int], "paho: \(output.suffix(2_000))")
    }

    /// Every acknowledged reading is in `sensor_readings` exactly once (by its sensor and time).
    func expectProjectedOnce(_ acknowledged: [Int]) async throws {
        let database = DatabaseConfiguration(host: "127.0.0.1", port: ports.postgres, username: "shikong", database: "shikong")
        let pattern = prefix + "-%"
        let logger = Logger(label: "shikong.test")
        let rows: [(String, Date)] = try await Pipeline.withDatabase(database, logger: logger) { client in
            var count = -1
            let deadline = ContinuousClock.now + .seconds(120)
            while ContinuousClock.now < deadline {
                count = try await client.query("SELECT count(*)::int FROM sensor_readings WHERE sensor_id LIKE \(pattern)", logger: logger)
                    .decode(Int.self).reduce(0, +)
                if count >= acknowledged.count { break }
                try await Task.sleep(for: .milliseconds(500))
            }
            try await Task.sleep(for: .seconds(2))
            var rows: [(String, Date)] = []
            for try await row in try await client.query(
                "SELECT sensor_id, observed_at FROM sensor_readings WHERE sensor_id LIKE \(pattern)", logger: logger
            ).decode((String, Date).self) {
                rows.append(row)
            }
            return rows
        }
        var seen: [String: Int] = [:]
        for (sensor, observed) in rows { seen["\(sensor)@\(Int(observed.timeIntervalSince1970))", default: 0] += 1 }
        let missing = acknowledged.filter { index in
            seen["\(prefix)-\(index % 50)@\(1_767_225_600 + index / 50)"] == nil
        }
        let twice = seen.filter { $0.value > 1 }.count
        #expect(missing.count == 0, "\(missing.count) acknowledged readings never projected, e.g. \(Array(missing.prefix(10)))")
        #expect(twice == 0, "\(twice) readings projected more than once")
    }

    /// Stops the last `shikong up` gracefully (it stops its children) and anything left.
    func stopAll() {
        for process in processes.reversed() where process.isRunning { process.stop(signal: SIGTERM, timeout: 60) }
        let run = directory.appendingPathComponent("run")
        let logger = Logger(label: "shikong.test")
        for (file, command) in [("tansu.pid", "tansu"), ("mosquitto.pid", "mosquitto")] {
            ChildProcess.reapLeftover(pidFile: run.appendingPathComponent(file), expectedCommand: command, logger: logger)
        }
        ChildProcess.reapLeftover(
            pidFile: directory.appendingPathComponent("postgres/postmaster.pid"), expectedCommand: "postgres", logger: logger)
    }
}

import Events
import Foundation
import MQTT
import Platform
import PostgresNIO
import ShikongTesting
import Synchronization
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `shikong replay` rebuilds the sensor projection blue/green while queries run and readings keep
/// arriving: the result equals the live tables, and no query sees an empty or half-built table.
@Suite("Rebuild", .serialized)
struct RebuildTests {
    @Test("a rebuild under load gives the same rows, and readers never see a partial table")
    func rebuildUnderLoad() async throws {
        let platform = try await TestPlatform.start()
        defer { Task { await platform.discard() } }
        let area = "sensor_id LIKE 'rb-%'"
        try await publish(platform, prefix: "rb", count: 20_000, sensors: 200)
        #expect(try await platform.waitForCount("SELECT count(*)::int FROM sensor_readings WHERE \(unescaped: area)") { $0 >= 20_000 } == 20_000)
        let before = try await checksums(platform, area: area)
        let cutoff = Date()
        try await Task.sleep(for: .milliseconds(1_500))

        let anomalies = Mutex<[String]>([])
        let reads = Mutex(0)
        let stop = Mutex(false)
        let readers = Task {
            while !stop.withLock({ $0 }) {
                do {
                    let count = try await platform.count("SELECT count(*)::int FROM sensor_readings WHERE \(unescaped: area)")
                    if count != 20_000 { anomalies.withLock { $0.append("sensor_readings had \(count) rows") } }
                    let (status, json) = try await platform.get("/collections/sensors/items?limit=10000&bbox=113.9,30.0,114.5,30.9")
                    let returned = (json["features"] as? [[String: Any]] ?? []).filter { ($0["id"] as? String)?.hasPrefix("rb-") == true }.count
                    if status != 200 || returned != 200 { anomalies.withLock { $0.append("API answered \(status) with \(returned) rb sensors") } }
                    reads.withLock { $0 += 1 }
                } catch {
                    anomalies.withLock { $0.append("query failed: \(error)") }
                }
            }
        }
        async let more: Void = publish(platform, prefix: "rl", count: 3_000, sensors: 30, latitude: 31.5)
        let replay = try await runCLI(["replay", "--projection", "sensors"], platform: platform)
        try await more
        stop.withLock { $0 = true }
        _ = await readers.result

        #expect(replay.status == 0, "replay failed: \(replay.output)")
        #expect(replay.output.contains("swapped in: sensor_readings, sensors_latest"), "\(replay.output)")
        #expect(anomalies.withLock { $0 }.isEmpty, "\(anomalies.withLock { Array($0.prefix(5)) })")
        #expect(reads.withLock { $0 } > 3)
        #expect(try await checksums(platform, area: area) == before)
        #expect(try await platform.waitForCount("SELECT count(*)::int FROM sensor_readings WHERE sensor_id LIKE 'rl-%'") { $0 >= 3_000 } == 3_000)
        #expect(
            try await platform.count("SELECT count(*)::int FROM pg_tables WHERE tablename LIKE '%\\_\\_rebuild' OR tablename LIKE '%\\_\\_old'") == 0)
        #expect(try await platform.count("SELECT count(*)::int FROM projection_positions WHERE projection LIKE 'sensors\\_\\_%'") == 0)

        // A point-in-time snapshot: only what was recorded until the cut-off, beside the live tables.
        let snapshot = try await runCLI(["replay", "--projection", "sensors", "--until", Timestamp.format(cutoff)], platform: platform)
        #expect(snapshot.status == 0, "\(snapshot.output)")
        let table = try #require(
            snapshot.output.split(separator: " ").map(String.init).first { $0.hasPrefix("sensor_readings__asof_") }?
                .trimmingCharacters(in: CharacterSet(charactersIn: ",\n")))
        #expect(try await platform.count("SELECT count(*)::int FROM \(unescaped: "\"\(table)\"") WHERE \(unescaped: area)") == 20_000)
        #expect(try await platform.count("SELECT count(*)::int FROM \(unescaped: "\"\(table)\"") WHERE sensor_id LIKE 'rl-%'") == 0)
    }

    private func checksums(_ platform: TestPlatform, area: String) async throws -> [String] {
        try await platform.withDatabase { client in
            var sums: [String] = []
            for query: PostgresQuery in [
                """
                SELECT md5(string_agg(event_id::text || sensor_id || observed_at::text || ST_AsEWKT(geom) || "values"::text, ',' ORDER BY event_id))
                FROM sensor_readings WHERE \(unescaped: area)
                """,
                """
                SELECT md5(string_agg(sensor_id || event_id::text || observed_at::text || ST_AsEWKT(geom) || "values"::text, ',' ORDER BY sensor_id))
                FROM sensors_latest WHERE \(unescaped: area)
                """,
            ] {
                for try await sum in try await client.query(query, logger: .init(label: "test")).decode(String.self) { sums.append(sum) }
            }
            return sums
        }
    }

    private func publish(_ platform: TestPlatform, prefix: String, count: Int, sensors: Int, latitude: Double = 30.4) async throws {
        let publisher = try MQTTPublisher(
            connection: MQTTConnection(host: platform.configuration.mqttHost, port: platform.configuration.mqttPort, clientID: "rebuild-\(prefix)"),
            maxInFlight: 1_000)
        defer { publisher.close() }
        let start = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        try await publisher.publishAll(
            (0..<count).map { index in
                let sensor = index % sensors
                let ts = Timestamp.format(start.addingTimeInterval(Double(index / sensors)))
                let lon = 114.0 + Double(sensor % 20) * 0.02
                let lat = latitude + Double(sensor / 20) * 0.02
                return MQTTMessage(
                    topic: "city/\(prefix)-\(sensor)/air", payload: Array(#"{"ts":"\#(ts)","lon":\#(lon),"lat":\#(lat),"pm25":\#(index % 90)}"#.utf8))
            })
        #expect(await publisher.acknowledged(timeout: .seconds(120)))
    }
}

/// Runs the `shikong` CLI against a test platform and returns its exit status and standard output,
/// off the cooperative pool (the API under test runs in this process and needs its threads).
func runCLI(_ arguments: [String], platform: TestPlatform) async throws -> (status: Int32, output: String) {
    let configuration = platform.configuration
    return try await detached { try runCLISynchronously(arguments, configuration: configuration) }
}

private func runCLISynchronously(_ arguments: [String], configuration: PlatformConfiguration) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = StageProcess.executable
    process.arguments =
        arguments + [
            "--kafka", configuration.kafkaBootstrap, "--database", configuration.database.url, "--instance", configuration.instance, "--topics-dir",
            TestPlatform.repositoryRoot.appendingPathComponent("topics").path, "--log-level",
            "warning",
        ]
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

import Events
import Foundation
import Kafka
import LocalStack
import MQTT
import Platform
import PostgresNIO
import ShikongTesting
import Testing

/// Exactly-once effects through crashes: 100,000 readings stream through stages running as their own
/// processes while a stage is killed with SIGKILL at random instants, the broker is killed and comes
/// back empty (the log is put back from the archive), or PostgreSQL stops. Every projection must end
/// with exactly 100,000 effects.
@Suite("Crash recovery", .serialized)
struct CrashRecoveryTests {
    static let readings = 100_000
    static let sensors = 500

    @Test("SIGKILL of any stage at random points loses and duplicates nothing")
    func killedStages() async throws {
        try await scenario("kill") { platform, stages in
            var generator = SystemRandomNumberGenerator()
            for round in 0..<8 {
                try await Task.sleep(for: .milliseconds(Int.random(in: 1_500...3_500, using: &generator)))
                let victim = stages.randomElement(using: &generator)!
                victim.kill()
                try await Task.sleep(for: .milliseconds(Int.random(in: 100...1_000, using: &generator)))
                try victim.start()
                print("crash round \(round): restarted \(victim.stage.rawValue)")
            }
        }
    }

    @Test("a broker that restarts with an empty log gets it back from the archive")
    func brokerRestart() async throws {
        try await scenario("broker") { platform, stages in
            try await Task.sleep(for: .seconds(4))
            platform.stack.process(.tansu)?.stop(signal: SIGKILL, timeout: 5)
            for stage in stages { stage.kill() }
            try await Task.sleep(for: .seconds(1))
            try await platform.stack.restart(.tansu)
            try await platform.prepareRestartedBroker()
            for stage in stages { try stage.start() }
        }
    }

    @Test("a PostgreSQL restart mid-stream loses and duplicates nothing")
    func databaseRestart() async throws {
        try await scenario("postgres") { platform, _ in
            try await Task.sleep(for: .seconds(4))
            // SIGQUIT: PostgreSQL's immediate shutdown, recovering from its WAL on the next start, like a crash.
            platform.stack.process(.postgres)?.stop(signal: SIGQUIT, timeout: 30)
            try await Task.sleep(for: .seconds(3))
            try await platform.stack.restart(.postgres)
        }
    }

    /// Starts a platform with every stage as a process, streams the readings while `disrupt` runs, and
    /// checks each projection's effects.
    private func scenario(_ name: String, disrupt: @escaping @Sendable (TestPlatform, [StageProcess]) async throws -> Void) async throws {
        let platform = try await TestPlatform.start(stages: [])
        defer { Task { await platform.discard() } }
        let stages = [Stage.ingest, .process, .project].map { StageProcess($0, platform: platform) }
        for stage in stages { try stage.start() }
        defer { for stage in stages { stage.stop() } }
        let prefix = "\(name)-\(UUID().uuidString.prefix(6).lowercased())"

        async let disruption: Void = disrupt(platform, stages)
        try await publish(prefix: prefix, to: platform)
        try await disruption
        for stage in stages where !stage.isRunning { try stage.start() }

        let readings: PostgresQuery = "SELECT count(*)::int FROM sensor_readings WHERE sensor_id LIKE \(prefix + "-%")"
        let projected = try await platform.waitForCount(readings, timeout: .seconds(400)) { $0 >= Self.readings }
        if projected != Self.readings { Self.printLogTails(of: platform) }
        #expect(projected == Self.readings, "sensor_readings holds \(projected) of \(Self.readings) readings")
        // Give a late duplicate the chance to show up before counting everything.
        try await Task.sleep(for: .seconds(3))
        #expect(try await platform.count(readings) == Self.readings)
        #expect(
            try await platform.count(
                "SELECT count(DISTINCT (sensor_id, observed_at))::int FROM sensor_readings WHERE sensor_id LIKE \(prefix + "-%")")
                == Self.readings)
        #expect(try await platform.count("SELECT count(*)::int FROM sensors_latest WHERE sensor_id LIKE \(prefix + "-%")") == Self.sensors)
        for topic in [Topics.rawSensorReadings, Topics.spatialEvents] {
            let archived = try await platform.waitForCount(
                "SELECT count(*)::int FROM event_archive WHERE topic = \(topic) AND subject LIKE \("sensor:" + prefix + "-%")", timeout: .seconds(60)
            ) { $0 >= Self.readings }
            #expect(archived == Self.readings, "the archive of \(topic) holds \(archived) events")
        }
        #expect(
            try await platform.count("SELECT count(*)::int FROM dead_letters WHERE headers->>'ce_subject' LIKE \("sensor:" + prefix + "-%")") == 0)
        try await reportReprocessing(name, platform: platform)
    }

    /// When a scenario falls short: the end of each service's and stage's log, and the free disk, so
    /// that a failure on a CI machine says what happened.
    private static func printLogTails(of platform: TestPlatform) {
        let logs = platform.dataDirectory.appendingPathComponent("logs")
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: logs.path)) ?? []).sorted()
        for name in names {
            guard let text = try? String(contentsOf: logs.appendingPathComponent(name), encoding: .utf8) else { continue }
            let tail = text.split(separator: "\n", omittingEmptySubsequences: false).suffix(25).joined(separator: "\n")
            print("--- last lines of \(name) ---\n\(tail)")
        }
        var disk = statvfs()
        if statvfs(platform.dataDirectory.path, &disk) == 0 {
            print("free disk: \(UInt64(disk.f_bavail) * UInt64(disk.f_frsize) / 1_048_576) MiB")
        }
    }

    /// What the disruption cost in re-processing: records written to each topic beyond one per event
    /// (MQTT redeliveries re-published by the bridge, outputs re-produced by the spatialiser), counted by
    /// reading each topic through (the local broker's high watermarks are not exact). The projections
    /// ignore the copies by event id; this platform's topics hold only this scenario's records.
    private func reportReprocessing(_ name: String, platform: TestPlatform) async throws {
        var figures: [String] = []
        for topic in [Topics.rawSensorReadings, Topics.spatialEvents] {
            var positions: [TopicPartition: Int64] = [:]
            for partition in 0..<3 { positions[TopicPartition(topic: topic, partition: Int32(partition))] = 0 }
            let consumer = try KafkaConsumer(
                configuration: KafkaConsumerConfiguration(client: platform.configuration.kafkaClient, groupID: "count-\(UUID().uuidString)"),
                subscription: .partitions(positions))
            defer { consumer.close() }
            var records = 0
            var fillers = 0
            var ids = Set<String>()
            var quiet = ContinuousClock.now
            while ContinuousClock.now - quiet < .seconds(3) {
                let batch = try await consumer.poll(maxMessages: 5_000, timeout: .milliseconds(200))
                if !batch.isEmpty { quiet = .now }
                for message in batch {
                    if message.isLogFiller {
                        fillers += 1
                        continue
                    }
                    records += 1
                    if let id = message.header("ce_id") { ids.insert(id) }
                }
            }
            let extra = Double(records - ids.count) / Double(max(ids.count, 1)) * 100
            figures.append("\(topic): \(records) records for \(ids.count) events (\(String(format: "+%.2f", extra))%, \(fillers) fillers)")
        }
        print("re-processing after \(name): \(figures.joined(separator: "; "))")
    }

    /// Publishes the readings over MQTT QoS 1: each sensor's readings one second apart.
    private func publish(prefix: String, to platform: TestPlatform) async throws {
        let publisher = try MQTTPublisher(
            connection: MQTTConnection(host: platform.configuration.mqttHost, port: platform.configuration.mqttPort, clientID: "crash-\(prefix)"),
            maxInFlight: 1_000)
        defer { publisher.close() }
        let start = Date(timeIntervalSince1970: (Date().timeIntervalSince1970).rounded(.down))
        for chunk in stride(from: 0, to: Self.readings, by: 5_000) {
            let messages = (chunk..<min(chunk + 5_000, Self.readings)).map { index in
                let sensor = index % Self.sensors
                let ts = Timestamp.format(start.addingTimeInterval(Double(index / Self.sensors)))
                let lon = 114.0 + Double(sensor % 25) * 0.02
                let lat = 30.3 + Double(sensor / 25) * 0.02
                return MQTTMessage(
                    topic: "city/\(prefix)-\(sensor)/air", payload: Array(#"{"ts":"\#(ts)","lon":\#(lon),"lat":\#(lat),"pm25":\#(index % 97)}"#.utf8))
            }
            try await publisher.publishAll(messages)
        }
        #expect(await publisher.acknowledged(timeout: .seconds(120)), "Mosquitto acknowledged every reading")
    }
}

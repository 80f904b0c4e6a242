import Events
import Foundation
import Kafka
import MQTT
import PostgresNIO
import ShikongTesting
import Testing

/// Readings streamed over MQTT into a platform whose stages run as processes, and the checks that
/// each had its effects exactly once: the crash-recovery and scale-out tests share them.
struct ReadingStream: Sendable {
    let prefix: String
    let readings: Int
    let sensors: Int

    init(_ name: String, readings: Int, sensors: Int) {
        prefix = "\(name)-\(UUID().uuidString.prefix(6).lowercased())"
        self.readings = readings
        self.sensors = sensors
    }

    /// Rows of `sensor_readings` this stream produced.
    var projectedQuery: PostgresQuery { "SELECT count(*)::int FROM sensor_readings WHERE sensor_id LIKE \(prefix + "-%")" }

    /// Publishes the readings over MQTT QoS 1: each sensor's readings one second apart.
    func publish(to platform: TestPlatform) async throws {
        let publisher = try MQTTPublisher(
            connection: MQTTConnection(host: platform.configuration.mqttHost, port: platform.configuration.mqttPort, clientID: "stream-\(prefix)"),
            maxInFlight: 1_000)
        defer { publisher.close() }
        let start = Date(timeIntervalSince1970: (Date().timeIntervalSince1970).rounded(.down))
        for chunk in stride(from: 0, to: readings, by: 5_000) {
            let messages = (chunk..<min(chunk + 5_000, readings)).map { index in
                let sensor = index % sensors
                let ts = Timestamp.format(start.addingTimeInterval(Double(index / sensors)))
                let lon = 114.0 + Double(sensor % 25) * 0.02
                let lat = 30.3 + Double(sensor / 25) * 0.02
                return MQTTMessage(
                    topic: "city/\(prefix)-\(sensor)/air", payload: Array(#"{"ts":"\#(ts)","lon":\#(lon),"lat":\#(lat),"pm25":\#(index % 97)}"#.utf8))
            }
            try await publisher.publishAll(messages)
        }
        #expect(await publisher.acknowledged(timeout: .seconds(120)), "Mosquitto acknowledged every reading")
    }

    /// Waits for every reading, then checks each projection's effects: every reading once in
    /// `sensor_readings` and in the archive of both topics, every sensor in `sensors_latest`, no dead letter.
    func expectEachProjectedOnce(on platform: TestPlatform, timeout: Duration = .seconds(400)) async throws {
        let projected = try await platform.waitForCount(projectedQuery, timeout: timeout) { $0 >= readings }
        if projected != readings { Self.printLogTails(of: platform) }
        #expect(projected == readings, "sensor_readings holds \(projected) of \(readings) readings")
        // Give a late duplicate the chance to show up before counting everything.
        try await Task.sleep(for: .seconds(3))
        #expect(try await platform.count(projectedQuery) == readings)
        #expect(
            try await platform.count(
                "SELECT count(DISTINCT (sensor_id, observed_at))::int FROM sensor_readings WHERE sensor_id LIKE \(prefix + "-%")")
                == readings)
        #expect(try await platform.count("SELECT count(*)::int FROM sensors_latest WHERE sensor_id LIKE \(prefix + "-%")") == sensors)
        for topic in [Topics.rawSensorReadings, Topics.spatialEvents] {
            let archived = try await platform.waitForCount(
                "SELECT count(*)::int FROM event_archive WHERE topic = \(topic) AND subject LIKE \("sensor:" + prefix + "-%")", timeout: .seconds(60)
            ) { $0 >= readings }
            #expect(archived == readings, "the archive of \(topic) holds \(archived) events")
        }
        #expect(
            try await platform.count("SELECT count(*)::int FROM dead_letters WHERE headers->>'ce_subject' LIKE \("sensor:" + prefix + "-%")") == 0)
    }

    /// When a stream falls short: the end of each service's and stage's log, and the free disk, so
    /// that a failure on a CI machine says what happened.
    static func printLogTails(of platform: TestPlatform) {
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

    /// What a disruption cost in re-processing: records written to each topic beyond one per event
    /// (MQTT redeliveries re-published by the bridge, outputs re-produced by the spatialiser), counted by
    /// reading each topic through (the local broker's high watermarks are not exact). The projections
    /// ignore the copies by event id; the platform's topics must hold only this stream's records.
    func reportReprocessing(_ name: String, platform: TestPlatform) async throws {
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
}

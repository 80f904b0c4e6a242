import Events
import Foundation
import MQTT
import Platform
import PostgresNIO
import ShikongTesting
import Testing

/// `sensor_readings` is partitioned by observation time: readings of many months land in partitions
/// of their own (a far-future one in the default partition), the retention drops whole partitions
/// past its horizon while the event archive keeps their events, and a rebuild from the archive
/// brings them back into partitions; time-bounded queries read only the partitions they need.
@Suite("Reading retention", .serialized)
struct ReadingRetentionTests {
    @Test("readings partitioned by month; retention drops old partitions; a rebuild from the archive restores them")
    func partitionsRetentionAndRebuild() async throws {
        let platform = try await TestPlatform.start()
        defer { Task { await platform.stop() } }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let now = Date()
        let thisMonth = calendar.date(from: calendar.dateComponents([.year, .month], from: now))!
        func monthStart(_ offset: Int) -> Date { calendar.date(byAdding: .month, value: offset, to: thisMonth)! }
        // Mid-month readings of months -14 (very old), -3, -2, -1 and now, and one 20 years ahead.
        let months = [-14, -3, -2, -1]
        var readings = months.map { (sensor: "ret-m\(-$0)", time: monthStart($0).addingTimeInterval(14 * 86_400)) }
        readings.append((sensor: "ret-now", time: now.addingTimeInterval(-60)))
        readings.append((sensor: "ret-future", time: monthStart(240).addingTimeInterval(14 * 86_400)))
        try await publish(platform, readings)
        let area = "sensor_id LIKE 'ret-%'"
        #expect(try await platform.waitForCount("SELECT count(*)::int FROM sensor_readings WHERE \(unescaped: area)") { $0 >= 6 } == 6)
        let oldEvents = try await eventIDs(platform, sensors: ["ret-m14", "ret-m3"])
        #expect(oldEvents.count == 2)

        // The pass the projection stage runs hourly: every month of these readings gets its partition.
        let maintain = try await runCLI(["readings", "maintain"], platform: platform)
        #expect(maintain.status == 0, "\(maintain.output)")
        let expected = Dictionary(
            uniqueKeysWithValues: months.map { ("ret-m\(-$0)", partitionName(monthStart($0), calendar)) } + [
                ("ret-now", partitionName(thisMonth, calendar)), ("ret-future", "sensor_readings_default"),
            ])
        #expect(try await placement(platform, area: area) == expected)
        let listing = try await runCLI(["readings", "partitions", "--exact"], platform: platform)
        #expect(listing.status == 0, "\(listing.output)")
        for name in Set(expected.values) { #expect(listing.output.contains(name), "\(name) not listed: \(listing.output)") }
        #expect(listing.output.contains("retention off"), "\(listing.output)")

        // A retention whose horizon falls inside month -2: months -14 and -3 lie wholly before it.
        let hours = Int(now.timeIntervalSince(monthStart(-2)) / 3_600)
        let dry = try await runCLI(["readings", "maintain", "--readings-retention", "\(hours)h", "--dry-run"], platform: platform)
        #expect(dry.status == 0, "\(dry.output)")
        #expect(dry.output.contains("would drop \(partitionName(monthStart(-3), calendar))"), "\(dry.output)")
        #expect(try await platform.count("SELECT count(*)::int FROM sensor_readings WHERE \(unescaped: area)") == 6)
        let prune = try await runCLI(["readings", "maintain", "--readings-retention", "\(hours)h"], platform: platform)
        #expect(prune.status == 0, "\(prune.output)")
        var kept = expected
        kept["ret-m14"] = nil
        kept["ret-m3"] = nil
        #expect(try await placement(platform, area: area) == kept)
        for offset in [-14, -3] {
            #expect(
                try await platform.count("SELECT count(*)::int FROM pg_class WHERE relname = \(partitionName(monthStart(offset), calendar))") == 0)
        }
        // The archive still holds their events.
        #expect(
            try await platform.count("SELECT count(*)::int FROM event_archive WHERE topic = \(Topics.spatialEvents) AND event_id = ANY(\(oldEvents))")
                == 2)

        // Time-bounded reads touch only the partitions of their period.
        let plan = try await explain(platform, from: monthStart(-1), to: monthStart(0))
        #expect(plan.contains(partitionName(monthStart(-1), calendar)), "\(plan)")
        #expect(!plan.contains(partitionName(monthStart(-2), calendar)) && !plan.contains("sensor_readings_default"), "\(plan)")
        let (status, stats) = try await platform.get(
            "/collections/readings/stats?agg=count&filter=\("sensor_id LIKE 'ret-%'".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)"
                + "&datetime=\(Timestamp.format(monthStart(-1)))/\(Timestamp.format(monthStart(1)))")
        #expect(status == 200, "\(stats)")
        #expect((stats["rows"] as? [[String: Any]])?.first?["count"] as? Int == 2, "\(stats)")

        // The platform recorded its own policy (keep everything): a rebuild from the archive restores
        // the dropped readings, each in its month's partition again, and keeps the table's trigger and indexes.
        let rebuild = try await runCLI(["replay", "--projection", "sensors"], platform: platform)
        #expect(rebuild.status == 0, "\(rebuild.output)")
        #expect(try await placement(platform, area: area) == expected)
        #expect(try await platform.count("SELECT count(*)::int FROM pg_trigger WHERE tgname = 'sensor_readings_inserted_tiles'") == 1)
        #expect(
            try await platform.count(
                "SELECT count(*)::int FROM pg_indexes WHERE tablename = 'sensor_readings' AND indexname IN ('sensor_readings_pkey', 'sensor_readings_geom')"
            ) == 2)
        #expect(try await platform.count("SELECT count(*)::int FROM pg_class WHERE relname LIKE 'sensor\\_readings\\_\\_rebuild%'") == 0)
    }

    /// The partition of each test reading's sensor.
    private func placement(_ platform: TestPlatform, area: String) async throws -> [String: String] {
        try await platform.withDatabase { client in
            var found: [String: String] = [:]
            let rows = try await client.query(
                "SELECT sensor_id, tableoid::regclass::text FROM sensor_readings WHERE \(unescaped: area)", logger: .init(label: "test"))
            for try await (sensor, partition) in rows.decode((String, String).self) { found[sensor] = partition }
            return found
        }
    }

    private func eventIDs(_ platform: TestPlatform, sensors: [String]) async throws -> [UUID] {
        try await platform.withDatabase { client in
            try await client.query("SELECT event_id FROM sensor_readings WHERE sensor_id = ANY(\(sensors))", logger: .init(label: "test"))
                .decode(UUID.self).reduce(into: [UUID]()) { $0.append($1) }
        }
    }

    /// The executed plan of a count over [from, to), times bound as parameters as the read model binds them.
    private func explain(_ platform: TestPlatform, from: Date, to: Date) async throws -> String {
        try await platform.withDatabase { client in
            try await client.query(
                """
                EXPLAIN (ANALYZE, COSTS OFF) SELECT count(*) FROM sensor_readings
                WHERE observed_at >= \(Timestamp.format(from))::timestamptz AND observed_at < \(Timestamp.format(to))::timestamptz
                """, logger: .init(label: "test")
            ).decode(String.self).reduce(into: "") { $0 += $1 + "\n" }
        }
    }

    private func partitionName(_ start: Date, _ calendar: Calendar) -> String {
        let parts = calendar.dateComponents([.year, .month, .day], from: start)
        return String(format: "sensor_readings_p%04d%02d%02d", parts.year!, parts.month!, parts.day!)
    }

    private func publish(_ platform: TestPlatform, _ readings: [(sensor: String, time: Date)]) async throws {
        let publisher = try MQTTPublisher(
            connection: MQTTConnection(host: platform.configuration.mqttHost, port: platform.configuration.mqttPort, clientID: "retention"),
            maxInFlight: 100)
        defer { publisher.close() }
        try await publisher.publishAll(
            readings.enumerated().map { index, reading in
                MQTTMessage(
                    topic: "city/\(reading.sensor)/air",
                    payload: Array(
                        #"{"ts":"\#(Timestamp.format(reading.time))","lon":114.3,"lat":\#(30.5 + Double(index) * 0.01),"pm25":\#(index)}"#.utf8))
            })
        #expect(await publisher.acknowledged(timeout: .seconds(60)))
    }
}

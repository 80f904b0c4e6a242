import Foundation
import Logging
import MQTT
import PostgresNIO

/// End-to-end pipeline benchmark: publishes readings over MQTT (QoS 1) as fast as one libmosquitto
/// publisher can, or at a steady `rate`, and measures how fast they become visible in PostGIS and how
/// fresh they are then (visible time minus publish time, from each row's `projected_at` and its `ts`).
/// At full speed the freshness measures the backlog the publisher builds; at a steady rate the
/// pipeline keeps up (or does not), and the percentiles are its latency. A steady run first waits
/// until one reading went through, so consumer-group joins do not count as latency.
public struct PipelineBenchmark: Sendable {
    public struct Result: Sendable, CustomStringConvertible {
        public var readings: Int
        public var stations: Int
        public var published: Duration
        public var visible: Duration
        public var visibleCount: Int
        public var freshnessP50: Double
        public var freshnessP99: Double
        public var freshnessMax: Double
        public var rate: Int?

        public var publishRate: Double { Double(readings) / published.seconds }
        public var sustainedRate: Double { Double(visibleCount) / visible.seconds }

        public var description: String {
            """
            readings published      \(readings) from \(stations) stations over MQTT QoS 1\(rate.map { ", paced at \($0)/s" } ?? "")
            publish rate            \(Int(publishRate)) readings/s (\(String(format: "%.2f", published.seconds)) s)
            visible in PostGIS      \(visibleCount) of \(readings) after \(String(format: "%.2f", visible.seconds)) s
            sustained end-to-end    \(Int(sustainedRate)) readings/s (publish start → last row visible)
            freshness p50 / p99     \(String(format: "%.1f", freshnessP50)) ms / \(String(format: "%.1f", freshnessP99)) ms (max \(String(format: "%.1f", freshnessMax)) ms)
            """
        }
    }

    public var readings: Int
    public var stations: Int
    /// Readings per second to publish at; `nil` publishes as fast as the publisher can.
    public var rate: Int?
    public var timeout: Duration = .seconds(600)
    /// Wait for one reading to go through before measuring even at full speed (stages that run as
    /// separate processes join their consumer groups one after another).
    public var warmUp = false
    /// After the warm-up, wait this long more (consumer-group rebalances settling).
    public var settle: Duration = .zero

    public init(readings: Int, stations: Int) {
        self.readings = readings
        self.stations = stations
    }

    public func run(mqtt: MQTTConnection, database: PostgresClient, logger: Logger) async throws -> Result {
        let stationList = AirQualityFeed.makeStations(count: stations)
        let publisher = try MQTTPublisher(connection: mqtt, maxInFlight: 1_000)
        defer { publisher.close() }
        let clock = ContinuousClock()
        if rate != nil || warmUp {
            try await warmUp(publisher, database: database, logger: logger)
            try await Task.sleep(for: settle)
        }
        let start = clock.now
        // Whole milliseconds, as the payloads carry them: a reading stamped in base's millisecond counts.
        let base = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 * 1_000).rounded(.down) / 1_000 - 0.000_5)
        var sent = 0
        var lastMillisecond = [Int64](repeating: 0, count: stationList.count)
        while sent < readings {
            // Small chunks built just before they are sent, so each payload's ts is its publish time.
            var chunk = min(stationList.count, 1_000, readings - sent)
            if let rate {
                // Paced: every 5 ms, what the rate allows by then.
                let due = Int((clock.now - start).seconds * Double(rate))
                if due <= sent {
                    try await Task.sleep(for: .milliseconds(5))
                    continue
                }
                chunk = min(chunk, due - sent)
            }
            let messages = (sent..<sent + chunk).map { index in
                let slot = index % stationList.count
                // (station, time) is a reading's natural key: keep each station's timestamps distinct.
                let millisecond = max(Int64(Date().timeIntervalSince1970 * 1_000), lastMillisecond[slot] + 1)
                lastMillisecond[slot] = millisecond
                let stamp = Date(timeIntervalSince1970: Double(millisecond) / 1_000 + 0.0000001)
                let station = stationList[slot]
                return MQTTMessage(topic: "city/\(station.id)/air", payload: AirQualityFeed.payload(for: station, at: stamp))
            }
            try await publisher.publishAll(messages)
            sent += chunk
        }
        _ = await publisher.acknowledged(timeout: .seconds(60))
        let published = clock.now - start
        // The end is read from the rows (`projected_at`), so how often this looks only decides when it
        // stops looking. Each look counts every row so far: every 50 ms it took a third of a core from
        // the pipeline it measures.
        var visibleCount = 0
        while clock.now - start < timeout {
            visibleCount = try await database.query("SELECT count(*)::int FROM sensor_readings WHERE observed_at >= \(base)", logger: logger)
                .decode(Int.self).reduce(0, +)
            if visibleCount >= readings { break }
            try await Task.sleep(for: .milliseconds(500))
        }
        let rows = try await database.query(
            """
            SELECT extract(epoch FROM max(projected_at) - \(base))::float8,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM projected_at - observed_at))::float8 * 1000,
                   percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM projected_at - observed_at))::float8 * 1000,
                   max(extract(epoch FROM projected_at - observed_at))::float8 * 1000
            FROM sensor_readings WHERE observed_at >= \(base)
            """, logger: logger)
        var result = Result(
            readings: readings, stations: stations, published: published, visible: clock.now - start, visibleCount: visibleCount,
            freshnessP50: 0, freshnessP99: 0, freshnessMax: 0, rate: rate)
        for try await (lastVisible, p50, p99, maximum) in rows.decode((Double?, Double?, Double?, Double?).self) {
            if let lastVisible { result.visible = .milliseconds(Int64(lastVisible * 1_000)) }
            result.freshnessP50 = p50 ?? 0
            result.freshnessP99 = p99 ?? 0
            result.freshnessMax = maximum ?? 0
        }
        return result
    }

    /// Publishes one reading of a station outside the measured set and waits until it is visible:
    /// every stage has joined its consumer group and read its first batch.
    private func warmUp(_ publisher: MQTTPublisher, database: PostgresClient, logger: Logger) async throws {
        let station = AirQualityFeed.Station(id: "bench-warm-up", district: "江岸区", longitude: 114.3, latitude: 30.6, baseline: 40)
        try await publisher.publishAll([MQTTMessage(topic: "city/\(station.id)/air", payload: AirQualityFeed.payload(for: station, at: Date()))])
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline {
            let seen = try await database.query("SELECT count(*)::int FROM sensor_readings WHERE sensor_id = \(station.id)", logger: logger)
                .decode(Int.self).reduce(0, +)
            if seen > 0 { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw PipelineBenchmarkError("the warm-up reading was not visible within 120 s")
    }
}

/// Why the benchmark could not measure.
public struct PipelineBenchmarkError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

extension Duration {
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

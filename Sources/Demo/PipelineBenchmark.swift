import Foundation
import Logging
import MQTT
import PostgresNIO

/// End-to-end pipeline benchmark: publishes readings over MQTT (QoS 1) as fast as one libmosquitto
/// publisher can, and measures how fast they become visible in PostGIS and how fresh they are then
/// (visible time minus publish time, from each row's `projected_at` and its `ts`).
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

        public var publishRate: Double { Double(readings) / published.seconds }
        public var sustainedRate: Double { Double(visibleCount) / visible.seconds }

        public var description: String {
            """
            readings published      \(readings) from \(stations) stations over MQTT QoS 1
            publish rate            \(Int(publishRate)) readings/s (\(String(format: "%.2f", published.seconds)) s)
            visible in PostGIS      \(visibleCount) of \(readings) after \(String(format: "%.2f", visible.seconds)) s
            sustained end-to-end    \(Int(sustainedRate)) readings/s (publish start → last row visible)
            freshness p50 / p99     \(String(format: "%.1f", freshnessP50)) ms / \(String(format: "%.1f", freshnessP99)) ms (max \(String(format: "%.1f", freshnessMax)) ms)
            """
        }
    }

    public var readings: Int
    public var stations: Int
    public var timeout: Duration = .seconds(600)

    public init(readings: Int, stations: Int) {
        self.readings = readings
        self.stations = stations
    }

    public func run(mqtt: MQTTConnection, database: PostgresClient, logger: Logger) async throws -> Result {
        let stationList = AirQualityFeed.makeStations(count: stations)
        let publisher = try MQTTPublisher(connection: mqtt, maxInFlight: 1_000)
        defer { publisher.close() }
        let clock = ContinuousClock()
        let start = clock.now
        // Whole milliseconds, as the payloads carry them: a reading stamped in base's millisecond counts.
        let base = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 * 1_000).rounded(.down) / 1_000 - 0.000_5)
        var sent = 0
        var lastMillisecond = [Int64](repeating: 0, count: stationList.count)
        while sent < readings {
            // Small chunks built just before they are sent, so each payload's ts is its publish time.
            let chunk = min(stationList.count, 1_000, readings - sent)
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
        _ = publisher.waitUntilAcknowledged(timeout: .seconds(60))
        let published = clock.now - start
        var visibleCount = 0
        while clock.now - start < timeout {
            visibleCount = try await database.query("SELECT count(*)::int FROM sensor_readings WHERE observed_at >= \(base)", logger: logger)
                .decode(Int.self).reduce(0, +)
            if visibleCount >= readings { break }
            try await Task.sleep(for: .milliseconds(50))
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
            freshnessP50: 0, freshnessP99: 0, freshnessMax: 0)
        for try await (lastVisible, p50, p99, maximum) in rows.decode((Double?, Double?, Double?, Double?).self) {
            if let lastVisible { result.visible = .milliseconds(Int64(lastVisible * 1_000)) }
            result.freshnessP50 = p50 ?? 0
            result.freshnessP99 = p99 ?? 0
            result.freshnessMax = maximum ?? 0
        }
        return result
    }
}

extension Duration {
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

import Foundation
import Logging
import MQTT
import ServiceLifecycle

/// A synthetic air-quality network for the demo: stations spread around the thirteen districts of
/// Wuhan (武汉), each publishing PM2.5, PM10, NO₂, O₃ and an AQI over MQTT every interval.
/// The readings are made up; the district centres are real (WGS 84, rounded to 0.01°).
public struct AirQualityFeed: Service {
    public struct Station: Sendable {
        public var id: String
        public var district: String
        public var longitude: Double
        public var latitude: Double
        var baseline: Double
    }

    /// Wuhan's districts: name, adcode, approximate centre (longitude, latitude, WGS 84), spread in degrees.
    static let districts: [(name: String, code: String, lon: Double, lat: Double, spread: Double)] = [
        ("江岸区", "420102", 114.31, 30.60, 0.03), ("江汉区", "420103", 114.27, 30.60, 0.02), ("硚口区", "420104", 114.22, 30.58, 0.02),
        ("汉阳区", "420105", 114.22, 30.55, 0.03), ("武昌区", "420106", 114.32, 30.55, 0.03), ("青山区", "420107", 114.39, 30.63, 0.03),
        ("洪山区", "420111", 114.34, 30.50, 0.06), ("东西湖区", "420112", 114.14, 30.62, 0.06), ("汉南区", "420113", 114.08, 30.31, 0.05),
        ("蔡甸区", "420114", 114.03, 30.58, 0.08), ("江夏区", "420115", 114.32, 30.35, 0.10), ("黄陂区", "420116", 114.38, 30.88, 0.12),
        ("新洲区", "420117", 114.80, 30.84, 0.10),
    ]

    public let stations: [Station]
    let connection: MQTTConnection
    let interval: Duration
    let topicPrefix: String
    let logger: Logger
    /// Awaited before the first round (the demo waits until its feed task subscribed).
    let firstRoundAfter: (@Sendable () async -> Void)?

    public init(
        connection: MQTTConnection, stationCount: Int = 300, interval: Duration = .seconds(5), topicPrefix: String = "wuhan",
        firstRoundAfter: (@Sendable () async -> Void)? = nil, logger: Logger
    ) {
        self.connection = connection
        self.interval = interval
        self.topicPrefix = topicPrefix
        self.logger = logger
        self.firstRoundAfter = firstRoundAfter
        stations = Self.makeStations(count: stationCount)
    }

    /// Deterministic station placement, so a restarted demo keeps its stations where they were.
    public static func makeStations(count: Int) -> [Station] {
        var generator = SplitMix64(seed: 4490)
        return (0..<count).map { index in
            let district = districts[index % districts.count]
            let angle = Double.random(in: 0..<(2 * .pi), using: &generator)
            let radius = district.spread * sqrt(Double.random(in: 0..<1, using: &generator))
            return Station(
                id: "wh-\(district.code)-\(String(format: "%03d", index / districts.count))", district: district.name,
                longitude: district.lon + radius * cos(angle), latitude: district.lat + radius * sin(angle),
                baseline: Double.random(in: 25...55, using: &generator))
        }
    }

    /// One reading of a station at a time, as the MQTT payload.
    public static func payload(for station: Station, at date: Date) -> [UInt8] {
        let hour = Double(Int(date.timeIntervalSince1970 / 3600 + 8) % 24)
        let diurnal = 1 + 0.35 * sin((hour - 3) / 24 * 2 * .pi)
        let pm25 = max(1, station.baseline * diurnal + Double.random(in: -6...6)) + PollutionEpisode.extra(station: station.id, at: date)
        let pm10 = pm25 * Double.random(in: 1.4...1.9)
        let no2 = max(2, 22 * diurnal + Double.random(in: -5...5))
        let o3 = max(5, 80 - 30 * diurnal + Double.random(in: -10...10))
        let aqi = pm25 <= 35 ? pm25 / 35 * 50 : pm25 <= 75 ? 50 + (pm25 - 35) / 40 * 50 : 100 + (pm25 - 75) / 40 * 50
        func rounded(_ value: Double) -> String { String(format: "%.1f", value) }
        let json = """
            {"sensor_id":"\(station.id)","ts":"\(Timestamp.format(date))","lon":\(station.longitude),"lat":\(station.latitude),\
            "values":{"pm25":\(rounded(pm25)),"pm10":\(rounded(pm10)),"no2":\(rounded(no2)),"o3":\(rounded(o3)),"aqi":\(Int(aqi.rounded()))}}
            """
        return Array(json.utf8)
    }

    public func run() async throws {
        await firstRoundAfter?()
        let publisher = try MQTTPublisher(connection: connection)
        defer { publisher.close() }
        logger.info(
            "demo feed publishing", metadata: ["stations": "\(stations.count)", "every": "\(interval)", "topics": "\(topicPrefix)/<station>/air"])
        var rounds = 0
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let now = Date()
            try await publisher.publishAll(
                stations.map { MQTTMessage(topic: "\(topicPrefix)/\($0.id)/air", payload: Self.payload(for: $0, at: now)) })
            rounds += 1
            if rounds == 1 || rounds % 12 == 0 {
                logger.info("demo feed published a round", metadata: ["rounds": "\(rounds)", "readings": "\(rounds * stations.count)"])
            }
            try? await Task.sleep(for: interval)
        }
    }
}

/// A small seeded generator (SplitMix64), for reproducible station placement.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

import Events

import Foundation
import Logging
import MQTT
import ServiceLifecycle

/// A synthetic traffic network for the demo: loop detectors on Wuhan's main roads publishing mean
/// speed, flow and lane occupancy every interval, in a payload shape of their own
/// (`{"detector": …, "t": <epoch ms>, "pos": [lon, lat], "measurements": {…}}`) that the demo's
/// traffic feed task reads through its mapping. Made-up figures at approximate road positions.
public struct TrafficFeed: Service {
    public struct Counter: Sendable {
        public var id: String
        public var road: String
        public var longitude: Double
        public var latitude: Double
        var capacity: Double
    }

    /// Main roads of Wuhan: name and two approximate end points (WGS 84, rounded to 0.01°).
    static let roads: [(name: String, from: (Double, Double), to: (Double, Double))] = [
        ("长江大桥", (114.28, 30.55), (114.30, 30.55)), ("中山大道", (114.25, 30.58), (114.30, 30.61)), ("珞喻路", (114.34, 30.53), (114.43, 30.51)),
        ("解放大道", (114.20, 30.61), (114.32, 30.63)), ("武珞路", (114.30, 30.54), (114.36, 30.53)), ("雄楚大道", (114.30, 30.51), (114.42, 30.50)),
        ("汉阳大道", (114.20, 30.55), (114.26, 30.56)), ("二环线", (114.24, 30.51), (114.36, 30.64)),
    ]

    public let counters: [Counter]
    let connection: MQTTConnection
    let interval: Duration
    let logger: Logger
    /// Awaited before the first round (the demo waits until its feed task subscribed).
    let firstRoundAfter: (@Sendable () async -> Void)?

    public init(
        connection: MQTTConnection, counterCount: Int = 40, interval: Duration = .seconds(5), firstRoundAfter: (@Sendable () async -> Void)? = nil,
        logger: Logger
    ) {
        self.connection = connection
        self.interval = interval
        self.logger = logger
        self.firstRoundAfter = firstRoundAfter
        counters = Self.makeCounters(count: counterCount)
    }

    /// Deterministic placement along the roads.
    public static func makeCounters(count: Int) -> [Counter] {
        var generator = SplitMix64(seed: 3857)
        return (0..<count).map { index in
            let road = roads[index % roads.count]
            let along = Double.random(in: 0...1, using: &generator)
            return Counter(
                id: "wh-traffic-\(String(format: "%03d", index))", road: road.name,
                longitude: road.from.0 + (road.to.0 - road.from.0) * along, latitude: road.from.1 + (road.to.1 - road.from.1) * along,
                capacity: Double.random(in: 1_800...5_400, using: &generator))
        }
    }

    /// One measurement of a counter, as its payload.
    public static func payload(for counter: Counter, at date: Date) -> [UInt8] {
        let hour = Double(Int(date.timeIntervalSince1970 / 3600 + 8) % 24)
        // Morning and evening peaks.
        let demand = 0.25 + 0.6 * exp(-pow((hour - 8) / 1.5, 2)) + 0.65 * exp(-pow((hour - 18) / 1.8, 2))
        let flow = max(0, counter.capacity * min(demand, 1) + Double.random(in: -120...120))
        let occupancy = min(100, max(0, 100 * flow / counter.capacity * 0.35 + Double.random(in: -2...2)))
        let speed = max(5, 70 * (1 - occupancy / 110) + Double.random(in: -4...4))
        let json = """
            {"detector":"\(counter.id)","t":\(Int64(date.timeIntervalSince1970 * 1_000)),"pos":[\(counter.longitude),\(counter.latitude)],\
            "measurements":{"speed":\(String(format: "%.1f", speed)),"flow":\(Int(flow.rounded())),"occupancy":\(String(format: "%.1f", occupancy))}}
            """
        return Array(json.utf8)
    }

    public func run() async throws {
        await firstRoundAfter?()
        let publisher = try MQTTPublisher(connection: connection)
        defer { publisher.close() }
        logger.info(
            "demo traffic feed publishing", metadata: ["counters": "\(counters.count)", "every": "\(interval)", "topics": "wuhan/<counter>/traffic"])
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let now = Date()
            try await publisher.publishAll(counters.map { MQTTMessage(topic: "wuhan/\($0.id)/traffic", payload: Self.payload(for: $0, at: now)) })
            try? await Task.sleep(for: interval)
        }
    }
}

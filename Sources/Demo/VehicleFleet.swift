import Events
import Foundation
import Logging
import MQTT
import ServiceLifecycle

/// A demo fleet of vehicles driving through Wuhan: each drives straight from one district centre to
/// another (with a little jitter) at its own speed and publishes its position over MQTT every
/// interval, on `fleet/<vehicle>/position` (the bridge spatialises them like readings, as
/// `sensor:veh-…` with values `speed_kmh` and `heading`). Routes are seeded, so a restarted demo
/// drives the same way; where a vehicle is follows from the wall clock.
public struct VehicleFleet: Service {
    public static let topicFilter = "fleet/+/position"

    struct Vehicle: Sendable {
        var id: String
        /// Waypoints (longitude, latitude), driven in a loop.
        var route: [(Double, Double)]
        /// Metres per second.
        var speed: Double
    }

    let vehicles: [Vehicle]
    let connection: MQTTConnection
    let interval: Duration
    let logger: Logger

    public init(connection: MQTTConnection, vehicles count: Int = 20, interval: Duration = .seconds(5), logger: Logger) {
        self.connection = connection
        self.interval = interval
        self.logger = logger
        vehicles = Self.makeVehicles(count: count)
    }

    static func makeVehicles(count: Int) -> [Vehicle] {
        var generator = SplitMix64(seed: 4547)
        let centres = AirQualityFeed.districts.filter { $0.spread <= 0.06 }
        return (0..<count).map { index in
            let stops = (0..<6).map { _ -> (Double, Double) in
                let district = centres[Int.random(in: 0..<centres.count, using: &generator)]
                return (
                    district.lon + Double.random(in: -0.02...0.02, using: &generator),
                    district.lat + Double.random(in: -0.02...0.02, using: &generator)
                )
            }
            return Vehicle(
                id: "veh-\(String(format: "%03d", index + 1))", route: stops, speed: Double.random(in: 8...16, using: &generator))
        }
    }

    /// Where a vehicle is at `date` along its looped route, and its heading in degrees from north.
    static func position(of vehicle: Vehicle, at date: Date) -> (longitude: Double, latitude: Double, heading: Double) {
        let legs = vehicle.route.indices.map { index -> (from: (Double, Double), to: (Double, Double), metres: Double) in
            let from = vehicle.route[index]
            let to = vehicle.route[(index + 1) % vehicle.route.count]
            let dx = (to.0 - from.0) * 111_320 * cos(from.1 * .pi / 180)
            let dy = (to.1 - from.1) * 110_540
            return (from, to, max(1, (dx * dx + dy * dy).squareRoot()))
        }
        let loop = legs.reduce(0) { $0 + $1.metres }
        var travelled = (date.timeIntervalSince1970 * vehicle.speed).truncatingRemainder(dividingBy: loop)
        for leg in legs {
            if travelled <= leg.metres {
                let fraction = travelled / leg.metres
                let heading = atan2((leg.to.0 - leg.from.0) * cos(leg.from.1 * .pi / 180), leg.to.1 - leg.from.1) * 180 / .pi
                return (
                    leg.from.0 + (leg.to.0 - leg.from.0) * fraction, leg.from.1 + (leg.to.1 - leg.from.1) * fraction,
                    (heading + 360).truncatingRemainder(dividingBy: 360)
                )
            }
            travelled -= leg.metres
        }
        return (vehicle.route[0].0, vehicle.route[0].1, 0)
    }

    static func payload(for vehicle: Vehicle, at date: Date) -> [UInt8] {
        let (longitude, latitude, heading) = position(of: vehicle, at: date)
        let json = """
            {"sensor_id":"\(vehicle.id)","ts":"\(Timestamp.format(date))","lon":\(longitude),"lat":\(latitude),\
            "values":{"speed_kmh":\(String(format: "%.1f", vehicle.speed * 3.6)),"heading":\(String(format: "%.0f", heading))}}
            """
        return Array(json.utf8)
    }

    public func run() async throws {
        let publisher = try MQTTPublisher(connection: connection)
        defer { publisher.close() }
        logger.info("demo fleet driving", metadata: ["vehicles": "\(vehicles.count)", "every": "\(interval)", "topics": "fleet/<vehicle>/position"])
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let now = Date()
            try await publisher.publishAll(
                vehicles.map { MQTTMessage(topic: "fleet/\($0.id)/position", payload: Self.payload(for: $0, at: now)) })
            try? await Task.sleep(for: interval)
        }
    }
}

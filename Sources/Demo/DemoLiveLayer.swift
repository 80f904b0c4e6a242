import Events
import Foundation
import JSON
import Kafka
import Logging
import ServiceLifecycle

/// The early-warning demonstration's definitions, published once at start: minute aggregates of
/// the air-quality feed per Wuhan district, a PM2.5 threshold rule per district, a district-entry
/// rule for the vehicle fleet and a dwell rule on a drawn fence around Hankou station. Their event
/// ids derive from their content at a fixed date, so a restarted demo publishes the same events
/// again (changing nothing), and an operator's later edit (a newer id) wins over them.
public struct DemoLiveLayer: Service {
    let producer: KafkaProducer
    let logger: Logger

    public init(producer: KafkaProducer, logger: Logger) {
        self.producer = producer
        self.logger = logger
    }

    public static let aggregation = AggregationDefinition(
        id: "pm25-by-district", title: "PM2.5 and AQI per Wuhan district, every minute",
        description: "One-minute tumbling windows of the air-quality stations, grouped by the district (wuhan_districts) each station lies in.",
        window: .init(size: .minutes(1)), groupBy: [.region], regions: "wuhan_districts", values: ["pm25", "aqi"],
        statistics: AggregationDefinition.Statistic.allCases, subjectPrefix: "sensor:wh-", allowedLateness: .seconds(10),
        correctionHorizon: .minutes(10), idleTimeout: .seconds(30))

    /// One threshold rule per district: three minutes in a row with an average PM2.5 above 75 µg/m³
    /// (the national grade II 24-hour limit) raise it; two at or below 60 clear it.
    public static var thresholdRules: [AlertRule] {
        AirQualityFeed.districts.map { district in
            AlertRule(
                id: "pm25-high-\(district.code)", title: "PM2.5 high in \(district.name)", kind: .threshold, severity: "warning",
                subjects: .init(ids: ["aggregate:\(aggregation.id)/region=\(district.code)"]), source: .aggregates, aggregation: aggregation.id,
                condition: "avg_pm25 > 75", for: 3, clear: "avg_pm25 <= 60", clearFor: 2, actions: [.init(mqtt: .init(topic: "alerts/pm25"))])
        }
    }

    public static let entryRule = AlertRule(
        id: "fleet-district-entry", title: "A vehicle entered a district", kind: .enter, severity: "info", subjects: .init(prefix: "sensor:veh-"),
        fences: .init(collection: "wuhan_districts"), actions: [.init(mqtt: .init(topic: "alerts/fleet"))])

    /// Around Hankou railway station (汉口站), WGS 84 ≈ CGCS2000.
    public static let stationFence = GeofenceDefinition(
        id: "hankou-station", title: "汉口站 forecourt",
        geometry: .object([
            ("type", .string("Polygon")),
            (
                "coordinates",
                .array([
                    .array(
                        [[114.245, 30.612], [114.265, 30.612], [114.265, 30.627], [114.245, 30.627], [114.245, 30.612]].map {
                            .array($0.map(JSONValue.number))
                        })
                ])
            ),
        ]))

    public static let dwellRule = AlertRule(
        id: "station-dwell", title: "A vehicle waits at Hankou station", kind: .dwell, severity: "info", subjects: .init(prefix: "sensor:veh-"),
        fences: .init(ids: ["geofences/hankou-station"]), dwell: .minutes(2))

    public func run() async throws {
        var records: [OutgoingRecord] = []
        records.append(try Self.change(Self.aggregation).record())
        records.append(try Self.change(Self.stationFence).record())
        for rule in Self.thresholdRules + [Self.entryRule, Self.dwellRule] { records.append(try Self.change(rule).record()) }
        for record in records { _ = try await producer.send(record) }
        logger.notice(
            "demo live layer defined: aggregation \(Self.aggregation.id), \(Self.thresholdRules.count) district PM2.5 rules, \(Self.entryRule.id), \(Self.dwellRule.id)"
        )
    }

    /// A definition event whose id derives from the definition at the demo's fixed date.
    static func change<Definition: LiveDefinition>(_ definition: Definition) throws -> DefinitionChange<Definition> {
        let date = CollectionRegistration.builtInDate
        let content = Array(try EventJSON.encoder().encode(definition))
        return DefinitionChange(
            id: EventIDGenerator.contentID(at: date, content: content), type: Definition.kind.definedType,
            subject: Definition.kind.subject(definition.id),
            source: "shikong://demo", occurredAt: date, recordedAt: date, definitionID: definition.id, definition: definition,
            schema: "shikong/\(Definition.kind.definedType)/1")
    }
}

/// A recurring pollution episode in 青山区 (the steelworks district), so the demo's threshold rule
/// has something to see: for 6 minutes of every 15, its stations read about 55 µg/m³ more PM2.5.
enum PollutionEpisode {
    static let district = "420107"

    static func extra(station: String, at date: Date) -> Double {
        guard station.hasPrefix("wh-\(district)-") else { return 0 }
        let minute = Int(date.timeIntervalSince1970 / 60) % 15
        return minute < 6 ? 55 : 0
    }
}

import CQL2
import Events
import PostgresNIO

/// The built-in `sensors` collection: each sensor's latest reading (`sensors_latest`), one feature
/// per sensor, with `datetime` on the observation time.
public struct SensorSource: CollectionSource {
    public let kind = SourceKind.sensors
    public let capabilities = SourceCapabilities()
    public var discovery: PostgresQuery? { SensorValues.discovery }

    public init() {}

    public func schema(_ metadata: CollectionMetadata, discovered: [String]) -> SourceSchema {
        SensorValues.schema(extra: [CollectionProperty(name: "event_id", type: "string")], values: discovered, queryables: [])
            .with(propertyNames: ["sensor_id", "observed_at", "event_id", "values"])
    }

    public func relation(_ collection: ServedCollection, time: SourceTime, builder: inout SQLBuilder) -> SourceRelation {
        let properties = #"jsonb_build_object('sensor_id', sensor_id, 'observed_at', observed_at, 'event_id', event_id, 'values', "values")"#
        return SourceRelation(
            relation: "sensors_latest", key: "sensor_id", properties: properties, exportProperties: SensorValues.flattened(properties),
            observedAt: "observed_at", bucketTime: "observed_at")
    }

    public func extentQuery(_ collection: ServedCollection) -> PostgresQuery {
        """
        SELECT ST_XMin(e)::float8, ST_YMin(e)::float8, ST_XMax(e)::float8, ST_YMax(e)::float8, lo, hi
        FROM (SELECT ST_Extent(geom) AS e, min(observed_at) AS lo, max(observed_at) AS hi FROM sensors_latest) AS s
        """
    }
}

/// The built-in `readings` collection: every reading (`sensor_readings`), with `datetime` on the
/// observation time and `as_of` keeping what was recorded by then.
public struct ReadingSource: CollectionSource {
    public let kind = SourceKind.readings
    public let capabilities = SourceCapabilities(systemTime: true)
    public var discovery: PostgresQuery? { SensorValues.discovery }

    public init() {}

    public func schema(_ metadata: CollectionMetadata, discovered: [String]) -> SourceSchema {
        SensorValues.schema(
            extra: [CollectionProperty(name: "recorded_at", type: "dateTime"), CollectionProperty(name: "source", type: "string")],
            values: discovered,
            queryables: [("recorded_at", .timestamp("recorded_at", nullable: false, title: "When the platform recorded it"))]
        )
        .with(propertyNames: ["sensor_id", "observed_at", "recorded_at", "values", "source"])
    }

    public func relation(_ collection: ServedCollection, time: SourceTime, builder: inout SQLBuilder) -> SourceRelation {
        var conditions: [String] = []
        if let asOf = time.asOf { conditions.append("recorded_at <= \(builder.bind(Timestamp.format(asOf)))::timestamptz") }
        let properties =
            #"jsonb_build_object('sensor_id', sensor_id, 'observed_at', observed_at, 'recorded_at', recorded_at, 'values', "values", 'source', source)"#
        return SourceRelation(
            relation: "sensor_readings", conditions: conditions, key: "event_id", keyType: "uuid", properties: properties,
            exportProperties: SensorValues.flattened(properties), observedAt: "observed_at", bucketTime: "observed_at")
    }

    public func extentQuery(_ collection: ServedCollection) -> PostgresQuery {
        // Positions from the sensors (small); times from the observation index.
        """
        SELECT ST_XMin(e)::float8, ST_YMin(e)::float8, ST_XMax(e)::float8, ST_YMax(e)::float8,
            (SELECT min(observed_at) FROM sensor_readings), (SELECT max(observed_at) FROM sensor_readings)
        FROM (SELECT ST_Extent(geom) AS e FROM sensors_latest) AS s
        """
    }
}

/// What the two sensor sources share: the value names sensors report, which become properties
/// and queryables of their own.
enum SensorValues {
    static let discovery: PostgresQuery = #"SELECT DISTINCT jsonb_object_keys("values") AS k FROM sensors_latest ORDER BY k LIMIT 200"#

    static func schema(extra: [CollectionProperty], values: [String], queryables extraQueryables: [(String, Queryable)]) -> SourceSchema {
        let base = [
            CollectionProperty(name: "sensor_id", type: "string", title: "Sensor"),
            CollectionProperty(name: "observed_at", type: "dateTime", title: "Observation time"),
        ]
        let fields = base + extra + values.map { CollectionProperty(name: $0, type: "real", title: "values.\($0)") }
        var entries: [(String, Queryable)] = [
            ("geometry", .geometry("geom", type: .point, nullable: false, title: "Position (EPSG:4490)")),
            ("sensor_id", .string("sensor_id", nullable: false, title: "Sensor")),
            ("observed_at", .timestamp("observed_at", nullable: false, title: "Observation time")),
        ]
        entries += extraQueryables
        for value in values {
            entries.append((value, .number(#"("values"->>\#(EntitySource.literal(value)))::float8"#, title: "\(value) (reading value)")))
        }
        return SourceSchema(fields: fields, queryables: Queryables(entries), propertyNames: [])
    }

    /// Sensor values become columns of their own in file exports.
    static func flattened(_ properties: String) -> String { #"(\#(properties) - 'values') || "values""# }
}

extension SourceSchema {
    func with(propertyNames: [String]) -> SourceSchema {
        var schema = self
        schema.propertyNames = propertyNames
        return schema
    }
}

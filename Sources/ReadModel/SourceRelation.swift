import Events
import Foundation

/// Where one collection's features come from, as SQL: the relation with its own conditions, the
/// key the default order and keyset paging use, and the JSON of a feature's properties.
///
/// Every source exposes `geom` (EPSG:4490) and the columns its queryables name.
struct FeatureSource {
    /// `FROM` target, with placeholders already bound in the builder.
    var relation: String
    /// Conditions of the source itself (the collection, the version's time).
    var conditions: [String]
    /// The key column: the default sort and the keyset.
    var key: String
    /// The SQL type a keyset value is cast to.
    var keyType = "text"
    /// The properties object, as `jsonb`.
    var properties: String
    /// The time column `datetime` filters (sensors and readings), when the source has one.
    var observedAt: String?

    /// The source of `collection` for a request's `as_of` and `datetime`.
    static func make(_ collection: ServedCollection, asOf: Date?, datetime: QueryTime?, builder: inout SQLBuilder) -> FeatureSource {
        switch collection.kind {
        case .entities:
            let id = builder.bind(collection.id)
            guard asOf != nil || datetime != nil else {
                return FeatureSource(relation: "entity_current", conditions: ["collection = \(id)"], key: "entity_id", properties: "properties")
            }
            // What the platform knew at `as_of` (or now) about what was valid at `datetime` (or then).
            let known = asOf.map { builder.bind(Timestamp.format($0)) + "::timestamptz" } ?? "now()"
            var versions = "SELECT entity_id, geom, properties, lower(valid) AS valid_from, lower(system) AS recorded_at FROM entity_versions"
            versions += " WHERE collection = \(id) AND NOT retired AND system @> \(known)"
            var latestInInterval = false
            if let datetime, !datetime.isInstant {
                let start = datetime.startText.map { builder.bind($0) + "::timestamptz" } ?? "NULL"
                let end = datetime.endText.map { builder.bind($0) + "::timestamptz" } ?? "NULL"
                versions += " AND valid && tstzrange(\(start), \(end), '[]')"
                latestInInterval = true
            } else if let instant = datetime?.startText {
                versions += " AND valid @> \(builder.bind(instant))::timestamptz"
            } else {
                versions += " AND valid @> \(known)"
            }
            if latestInInterval {
                // Several versions of one entity may fall in an interval: the latest valid one stands for it.
                versions = versions.replacingOccurrences(of: "SELECT entity_id,", with: "SELECT DISTINCT ON (entity_id) entity_id,")
                versions += " ORDER BY entity_id, lower(valid) DESC"
            }
            return FeatureSource(relation: "(\(versions)) AS versions", conditions: [], key: "entity_id", properties: "properties")
        case .sensors:
            return FeatureSource(
                relation: "sensors_latest", conditions: [], key: "sensor_id",
                properties: #"jsonb_build_object('sensor_id', sensor_id, 'observed_at', observed_at, 'event_id', event_id, 'values', "values")"#,
                observedAt: "observed_at")
        case .readings:
            var conditions: [String] = []
            if let asOf { conditions.append("recorded_at <= \(builder.bind(Timestamp.format(asOf)))::timestamptz") }
            return FeatureSource(
                relation: "sensor_readings", conditions: conditions, key: "event_id", keyType: "uuid",
                properties:
                    #"jsonb_build_object('sensor_id', sensor_id, 'observed_at', observed_at, 'recorded_at', recorded_at, 'values', "values", 'source', source)"#,
                observedAt: "observed_at")
        }
    }

    /// Properties flattened for file exports: sensor values become columns of their own.
    var exportProperties: String {
        properties.hasPrefix("jsonb_build_object") ? #"(\#(properties) - 'values') || "values""# : properties
    }
}

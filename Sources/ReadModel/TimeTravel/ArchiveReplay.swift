import Database
import Events
import Foundation
import GeoVocabulary
import Logging
import PostgresNIO

/// The archived events of a scenario replay (`GET /replay`): sensor readings and the changes of
/// entity collections in an extent and interval, in event-time order, a page at a time.
public struct ArchiveReplay: Sendable {
    public static let pageSize = 1_000
    public var from: Date
    public var to: Date
    /// EPSG:4490.
    public var bbox: BoundingBox?
    /// Whether sensor readings are part of it.
    public var sensors: Bool
    /// The entity collections whose changes are.
    public var entityCollections: [String]
    /// The caller's clearance against the features' own levels, by entity collection (those
    /// whose features carry levels): a change to a feature above it is left out.
    public var classifications: [String: FeatureClassification]

    public init(
        from: Date, to: Date, bbox: BoundingBox?, sensors: Bool, entityCollections: [String], classifications: [String: FeatureClassification] = [:]
    ) {
        self.from = from
        self.to = to
        self.bbox = bbox
        self.sensors = sensors
        self.entityCollections = entityCollections
        self.classifications = classifications
    }

    public struct Event: Sendable {
        public var id: UUID
        public var type: String
        public var occurredAt: Date
        /// The event's value as text on one line.
        public var data: String
    }

    /// The page after `cursor` (event time, id), at most ``pageSize`` events.
    public func page(after cursor: (Date, UUID)?, client: PostgresClient, logger: Logger) async throws -> [Event] {
        let (afterTime, afterID) = (cursor.map { Timestamp.format($0.0) }, cursor?.1)
        let prefixes = entityCollections.map { "entity:\($0)/" }
        let classified = classifications.sorted { $0.key < $1.key }
        let (classifiedPrefixes, properties) = (classified.map { "entity:\($0.key)/" }, classified.map(\.value.property))
        // Every entry is the same caller's, so they see the same labels.
        let visibleLabels = Array(Set(classified.flatMap(\.value.visibleLabels))).sorted()
        let rows = try await client.rows(
            """
            SELECT event_id, type, occurred_at, convert_from(value, 'UTF8') FROM event_archive
            WHERE occurred_at >= \(Timestamp.format(from))::timestamptz AND occurred_at <= \(Timestamp.format(to))::timestamptz
              AND ((\(sensors) AND topic = \(Topics.spatialEvents) AND type = 'sensor.reading')
                   OR (topic = \(Topics.spatialEntities) AND split_part(subject, '/', 1) || '/' = ANY(\(prefixes)::text[])))
              AND (\(bbox?.west)::float8 IS NULL OR geom && ST_MakeEnvelope(\(bbox?.west), \(bbox?.south), \(bbox?.east), \(bbox?.north), 4490))
              AND NOT (topic = \(Topics.spatialEntities) AND EXISTS (
                  SELECT 1 FROM unnest(\(classifiedPrefixes)::text[], \(properties)::text[]) AS c(prefix, property)
                  WHERE split_part(subject, '/', 1) || '/' = c.prefix
                    AND shikong_feature_hidden(convert_from(value, 'UTF8')::jsonb #> '{data,properties}', c.property, \(visibleLabels)::text[])))
              AND (\(afterTime)::timestamptz IS NULL OR (occurred_at, event_id) > (\(afterTime)::timestamptz, \(afterID)))
            ORDER BY occurred_at, event_id LIMIT \(Self.pageSize)
            """, logger: logger)
        return try rows.map { row in
            let (id, type, occurred, data) = try row.decode((UUID, String, Date, String).self)
            return Event(id: id, type: type, occurredAt: occurred, data: data.replacingOccurrences(of: "\n", with: " "))
        }
    }
}

import Database
import Events
import Foundation
import GeoVocabulary
import JSON
import Logging
import PostgresNIO

/// Questions about entities' past, answered from `entity_versions`: every version of one entity, and
/// what changed in a collection between two times.
public struct EntityTimeTravel: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// One version of an entity, with both time ranges (`nil` ends are open).
    public struct Version: Sendable {
        public var version: Int
        public var eventID: UUID
        public var validFrom: Date?
        public var validTo: Date?
        public var knownFrom: Date?
        public var knownTo: Date?
        public var retired: Bool
        /// GeoJSON text in EPSG:4490.
        public var geometry: String?
        public var properties: JSONValue
        public var source: String?
    }

    /// The entity's versions. By default one entry per change (event): the valid range as now known
    /// (a later change ends it), known from when the platform first learned it and, if a later
    /// correction replaced it entirely, until then. With `raw` the bitemporal rows as stored: a
    /// change that ends a version's valid range closes that row's system range and adds a copy with
    /// the shorter valid range.
    ///
    /// `hidden`: the caller's clearance against each version's own level; a version above it is
    /// left out (an entity with none left has no history for this caller).
    public func history(collection: String, entityID: String, raw: Bool = false, hidden: FeatureClassification? = nil) async throws -> [Version] {
        let (property, labels) = (hidden?.property, hidden?.visibleLabels ?? [])
        let rows: [PostgresRow]
        if raw {
            rows = try await client.rows(
                """
                SELECT version, event_id, lower(valid), upper(valid), lower(system), upper(system), retired, ST_AsGeoJSON(geom, 15, 0),
                       properties::text, source
                FROM entity_versions WHERE collection = \(collection) AND entity_id = \(entityID) AND NOT isempty(system)
                    AND NOT shikong_feature_hidden(properties, \(property), \(labels)::text[])
                ORDER BY lower(system), lower(valid), version
                """, logger: logger)
        } else {
            rows = try await client.rows(
                """
                SELECT DISTINCT ON (event_id) min(version) OVER w, event_id, lower(valid),
                       upper(valid),
                       min(lower(system)) OVER w,
                       CASE WHEN bool_or(upper_inf(system)) OVER w THEN NULL ELSE max(upper(system)) OVER w END,
                       retired, ST_AsGeoJSON(geom, 15, 0), properties::text, source
                FROM entity_versions WHERE collection = \(collection) AND entity_id = \(entityID) AND NOT isempty(system)
                    AND NOT shikong_feature_hidden(properties, \(property), \(labels)::text[])
                WINDOW w AS (PARTITION BY event_id)
                ORDER BY event_id, upper_inf(system) DESC, lower(system) DESC
                """, logger: logger)
        }
        let versions = try rows.map { row in
            let (version, event, validFrom, validTo, knownFrom, knownTo, retired, geometry, properties, source) = try row.decode(
                (Int, UUID, Date?, Date?, Date?, Date?, Bool, String?, String, String?).self)
            return Version(
                version: version, eventID: event, validFrom: validFrom, validTo: validTo, knownFrom: knownFrom, knownTo: knownTo, retired: retired,
                geometry: geometry, properties: (try? JSONParser.parse(properties)) ?? .object([]), source: source)
        }
        return raw ? versions : versions.sorted { ($0.knownFrom ?? .distantPast, $0.version) < ($1.knownFrom ?? .distantPast, $1.version) }
    }

    /// An entity that differs between the two states.
    public struct Change: Sendable {
        public enum Kind: String, Sendable {
            case added, removed, changed
        }

        public var entityID: String
        public var kind: Kind
        /// GeoJSON in EPSG:4490 before and after.
        public var before: String?
        public var after: String?
        public var propertiesBefore: JSONValue?
        public var propertiesAfter: JSONValue?
        public var geometryChanged: Bool

        /// Attribute-level changes: name → (before, after); a missing side is `nil`.
        public var attributeChanges: [(name: String, before: JSONValue?, after: JSONValue?)] {
            let old = propertiesBefore?.members ?? []
            let new = propertiesAfter?.members ?? []
            var changes: [(name: String, before: JSONValue?, after: JSONValue?)] = []
            for (name, value) in old where new.first(where: { $0.key == name })?.value != value {
                changes.append((name, value, new.first { $0.key == name }?.value))
            }
            for (name, value) in new where !old.contains(where: { $0.key == name }) { changes.append((name, nil, value)) }
            return changes
        }
    }

    public struct Diff: Sendable {
        public var added = 0
        public var removed = 0
        public var changed = 0
        /// The changes of the requested page, by entity id.
        public var changes: [Change] = []
    }

    /// What changed in a collection from the state at `from` to the state at `to`: each state is what
    /// the platform knew at that instant about what was valid at that instant. `bbox` (EPSG:4490)
    /// limits it to entities whose geometry before or after intersects it. `hidden`: the caller's
    /// clearance against each state's own level; a state above it counts as absent.
    public func diff(
        collection: String, from: Date, to: Date, bbox: BoundingBox? = nil, limit: Int = 1_000,
        offset: Int = 0, hidden: FeatureClassification? = nil
    ) async throws -> Diff {
        let (t1, t2) = (Timestamp.format(from), Timestamp.format(to))
        let (property, labels) = (hidden?.property, hidden?.visibleLabels ?? [])
        let rows = try await client.rows(
            """
            WITH bounds AS (
                SELECT least(\(t1)::timestamptz, \(t2)::timestamptz) AS lo, greatest(\(t1)::timestamptz, \(t2)::timestamptz) AS hi
            ), candidates AS (
                -- An entity's state can differ between the two times only if one of its versions starts or
                -- ends, in system or valid time, in between (ranges are [lower, upper)).
                SELECT entity_id FROM entity_versions, bounds
                WHERE collection = \(collection) AND lower(system) > lo AND lower(system) <= hi
                UNION SELECT entity_id FROM entity_versions, bounds
                WHERE collection = \(collection) AND upper(system) > lo AND upper(system) <= hi
                UNION SELECT entity_id FROM entity_versions, bounds
                WHERE collection = \(collection) AND lower(valid) > lo AND lower(valid) <= hi
                UNION SELECT entity_id FROM entity_versions, bounds
                WHERE collection = \(collection) AND upper(valid) > lo AND upper(valid) <= hi
            ), a AS (
                -- One index lookup per candidate (whatever the planner estimates).
                SELECT c.entity_id, v.geom, v.properties FROM candidates c CROSS JOIN LATERAL (
                    SELECT geom, properties FROM entity_versions v
                    WHERE v.collection = \(collection) AND v.entity_id = c.entity_id
                      AND v.system @> \(t1)::timestamptz AND v.valid @> \(t1)::timestamptz AND NOT v.retired
                      AND NOT shikong_feature_hidden(v.properties, \(property), \(labels)::text[])
                    LIMIT 1) v
            ), b AS (
                SELECT c.entity_id, v.geom, v.properties FROM candidates c CROSS JOIN LATERAL (
                    SELECT geom, properties FROM entity_versions v
                    WHERE v.collection = \(collection) AND v.entity_id = c.entity_id
                      AND v.system @> \(t2)::timestamptz AND v.valid @> \(t2)::timestamptz AND NOT v.retired
                      AND NOT shikong_feature_hidden(v.properties, \(property), \(labels)::text[])
                    LIMIT 1) v
            ), changes AS (
                SELECT coalesce(a.entity_id, b.entity_id) AS entity_id,
                       CASE WHEN a.entity_id IS NULL THEN 'added' WHEN b.entity_id IS NULL THEN 'removed' ELSE 'changed' END AS kind,
                       a.geom AS before, b.geom AS after, a.properties AS p_before, b.properties AS p_after,
                       ST_AsBinary(a.geom) IS DISTINCT FROM ST_AsBinary(b.geom) AS geometry_changed
                FROM a FULL JOIN b ON a.entity_id = b.entity_id
                WHERE (a.entity_id IS NULL OR b.entity_id IS NULL OR a.properties IS DISTINCT FROM b.properties
                       OR ST_AsBinary(a.geom) IS DISTINCT FROM ST_AsBinary(b.geom))
                  AND (\(bbox?.west)::float8 IS NULL
                       OR coalesce(a.geom && ST_MakeEnvelope(\(bbox?.west), \(bbox?.south), \(bbox?.east), \(bbox?.north), 4490), false)
                       OR coalesce(b.geom && ST_MakeEnvelope(\(bbox?.west), \(bbox?.south), \(bbox?.east), \(bbox?.north), 4490), false))
            )
            SELECT entity_id, kind, ST_AsGeoJSON(before, 15, 0), ST_AsGeoJSON(after, 15, 0), p_before::text, p_after::text, geometry_changed,
                   count(*) FILTER (WHERE kind = 'added') OVER (), count(*) FILTER (WHERE kind = 'removed') OVER (),
                   count(*) FILTER (WHERE kind = 'changed') OVER ()
            FROM changes ORDER BY entity_id LIMIT \(limit) OFFSET \(offset)
            """, logger: logger)
        var diff = Diff()
        for row in rows {
            let (id, kind, before, after, propertiesBefore, propertiesAfter, geometryChanged, added, removed, changed) = try row.decode(
                (String, String, String?, String?, String?, String?, Bool, Int, Int, Int).self)
            (diff.added, diff.removed, diff.changed) = (added, removed, changed)
            diff.changes.append(
                Change(
                    entityID: id, kind: Change.Kind(rawValue: kind) ?? .changed, before: before, after: after,
                    propertiesBefore: propertiesBefore.flatMap { try? JSONParser.parse($0) },
                    propertiesAfter: propertiesAfter.flatMap { try? JSONParser.parse($0) }, geometryChanged: geometryChanged))
        }
        if diff.changes.isEmpty, offset > 0 {
            // Past the last page: the window counts are gone; count again without the page.
            let all = try await self.diff(collection: collection, from: from, to: to, bbox: bbox, limit: 1, offset: 0, hidden: hidden)
            (diff.added, diff.removed, diff.changed) = (all.added, all.removed, all.changed)
        }
        return diff
    }
}

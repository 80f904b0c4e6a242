import Events
import Foundation
import Kafka
import Logging
import PostgresNIO

/// Materialises entity changes bitemporally: `entity_versions` keeps every version with its valid
/// time (when it was true) and system time (when the platform knew it); `entity_current` holds each
/// entity's latest version. A change at system time S with valid time T closes, at S, the system
/// range of every version still valid after T, keeps the part of each before T as a new version
/// (known from S), and adds the new version valid from T (a retirement adds a `retired` one). So the
/// state at any (valid, system) pair can be asked later, and an update supersedes the current version,
/// which becomes history (R-SP-2). An event already applied, or an upsert equal to the latest
/// version, changes nothing.
public struct EntityProjection: Projection {
    public let name = "entities"
    public let topics: [String]
    public let tables = ["entity_versions", "entity_current"]

    public init(topic: String = Topics.spatialEntities) {
        topics = [topic]
    }

    public func prepare(_ messages: [KafkaMessage]) -> (rows: EntityChanges, failures: [ProjectionFailure]) {
        var changes = EntityChanges()
        var failures: [ProjectionFailure] = []
        for message in messages where EntityChange.isEntityChange(message) {
            do {
                try changes.append(message)
            } catch {
                failures.append(ProjectionFailure(message: message, reason: error.reason))
            }
        }
        return (changes, failures)
    }

    /// Replays fold the history in memory and write each version once (`EntityFold`).
    public func makeFold() -> (any ProjectionFold)? { EntityFold() }

    public func write(_ changes: EntityChanges, on connection: PostgresConnection, tables: ProjectionTables, logger: Logger) async throws {
        for round in changes.rounds where !round.isEmpty {
            try await apply(round, on: connection, versions: tables["entity_versions"], current: tables["entity_current"], logger: logger)
        }
    }

    private func apply(_ round: EntityChanges.Column, on connection: PostgresConnection, versions: String, current: String, logger: Logger)
        async throws
    {
        try await connection.query(
            """
            WITH incoming AS (
                SELECT * FROM unnest(
                    \(round.eventIDs)::uuid[], \(round.collections)::text[], \(round.entityIDs)::text[], \(round.kinds)::text[],
                    \(round.validFrom)::timestamptz[], \(round.recordedAt)::timestamptz[], \(round.geometries)::text[],
                    \(round.properties)::jsonb[], \(round.hashes)::text[], \(round.sources)::text[]
                ) AS t(event_id, collection, entity_id, kind, valid_from, recorded_at, geom, props, hash, source)
            ), fresh AS (
                SELECT i.* FROM incoming i
                WHERE NOT EXISTS (SELECT 1 FROM \(unescaped: versions) v WHERE v.event_id = i.event_id)
                  AND NOT (i.kind = 'u' AND EXISTS (
                      SELECT 1 FROM \(unescaped: versions) v
                      WHERE v.collection = i.collection AND v.entity_id = i.entity_id AND upper_inf(v.system) AND upper_inf(v.valid)
                        AND NOT v.retired AND v.content_hash = i.hash AND lower(v.valid) <= i.valid_from))
            ), numbered AS (
                SELECT f.*, coalesce(last.version, 0) AS last,
                       greatest(f.recorded_at, coalesce(last.known, f.recorded_at)) AS known_from
                FROM fresh f
                LEFT JOIN LATERAL (
                    SELECT max(version) AS version, max(lower(system)) AS known FROM \(unescaped: versions) v
                    WHERE v.collection = f.collection AND v.entity_id = f.entity_id
                ) last ON true
            ), closed AS (
                UPDATE \(unescaped: versions) v SET system = tstzrange(lower(v.system), n.known_from, '[)')
                FROM numbered n
                WHERE v.collection = n.collection AND v.entity_id = n.entity_id AND upper_inf(v.system)
                  AND (upper_inf(v.valid) OR upper(v.valid) > n.valid_from)
                RETURNING v.collection, v.entity_id, v.version, v.event_id, v.valid, v.retired, v.geom, v.properties, v.content_hash,
                          v.source, n.valid_from AS cut, n.known_from, n.last
            ), kept AS (
                INSERT INTO \(unescaped: versions) (collection, entity_id, version, event_id, valid, system, retired, geom, properties, content_hash, source)
                SELECT collection, entity_id, last + row_number() OVER (PARTITION BY collection, entity_id ORDER BY version), event_id,
                       tstzrange(lower(valid), cut, '[)'), tstzrange(known_from, NULL, '[)'), retired, geom, properties, content_hash, source
                FROM closed WHERE lower(valid) < cut
                RETURNING collection
            ), added AS (
                INSERT INTO \(unescaped: versions) (collection, entity_id, version, event_id, valid, system, retired, geom, properties, content_hash, source)
                SELECT n.collection, n.entity_id,
                       n.last + 1 + (SELECT count(*) FROM closed c WHERE c.collection = n.collection AND c.entity_id = n.entity_id AND lower(c.valid) < c.cut),
                       n.event_id, tstzrange(n.valid_from, NULL, '[)'), tstzrange(n.known_from, NULL, '[)'), n.kind = 'r',
                       CASE WHEN n.geom = '' THEN NULL ELSE ST_SetSRID(ST_GeomFromGeoJSON(n.geom), 4490) END, n.props, NULLIF(n.hash, ''), n.source
                FROM numbered n
                RETURNING collection, entity_id, version, event_id, valid, system, retired, geom, properties, content_hash, source
            ), upserted AS (
                INSERT INTO \(unescaped: current) AS c (collection, entity_id, version, event_id, valid_from, recorded_at, geom, properties, content_hash, source)
                SELECT collection, entity_id, version, event_id, lower(valid), lower(system), geom, properties, content_hash, source
                FROM added WHERE NOT retired
                ON CONFLICT (collection, entity_id) DO UPDATE SET
                    version = EXCLUDED.version, event_id = EXCLUDED.event_id, valid_from = EXCLUDED.valid_from,
                    recorded_at = EXCLUDED.recorded_at, geom = EXCLUDED.geom, properties = EXCLUDED.properties,
                    content_hash = EXCLUDED.content_hash, source = EXCLUDED.source
                RETURNING 1
            )
            DELETE FROM \(unescaped: current) c USING added a
            WHERE a.retired AND c.collection = a.collection AND c.entity_id = a.entity_id
            """, logger: logger)
    }
}

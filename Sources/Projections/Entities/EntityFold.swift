import Events
import Foundation
import Kafka
import Logging
import PostgresNIO

/// The entity projection's replay folded in memory (`ProjectionFold`): each change is applied to
/// the entity's versions as `EntityProjection.write` applies it in SQL — skipped when its event was
/// applied already or when it upserts the content the entity has; otherwise the versions still
/// known (open system range) that it overlaps are closed at the change's system time, the part of
/// each before its valid time is kept as a new version, and the new version is added. A closed
/// version never changes again, so it is written out and forgotten; the tables get every row once.
struct EntityFold: ProjectionFold {
    struct Key: Hashable, Sendable {
        var collection: String
        var entityID: String
    }

    /// One row of `entity_versions`. Times are whole milliseconds; `nil` is an open bound.
    struct Version: Sendable {
        var version: Int
        var eventID: UUID
        var validFrom: Int64
        var validTo: Int64?
        var systemFrom: Int64
        var systemTo: Int64?
        var retired: Bool
        var geometry: String
        var properties: String
        var hash: String
        var source: String
    }

    /// Per entity, its versions whose system range is still open, in version order. The last is
    /// the newest version of all (the last change added it), so its number and its system start are
    /// the entity's highest version and latest known time.
    private var entities: [Key: [Version]] = [:]
    private var applied = Set<UUID>()
    private var settled: [(Key, Version)] = []

    mutating func apply(_ messages: [KafkaMessage]) async -> [ProjectionFailure] {
        // Decoding is most of the work and needs no state: two halves at once, then applied in order.
        let changes = messages.filter(EntityChange.isEntityChange)
        let middle = changes.count / 2
        async let first = Self.decode(changes[..<middle])
        async let second = Self.decode(changes[middle...])
        var failures: [ProjectionFailure] = []
        for (message, decoded) in zip(changes, await first + second) {
            switch decoded {
            case .success(let change): apply(change)
            case .failure(let error): failures.append(ProjectionFailure(message: message, reason: error.reason))
            }
        }
        return failures
    }

    private static func decode(_ messages: ArraySlice<KafkaMessage>) async -> [Result<EntityChange, EventDecodingError>] {
        messages.map { message in Result { () throws(EventDecodingError) in try EntityChange(message) } }
    }

    mutating func apply(_ change: EntityChange) {
        guard !applied.contains(change.eventID) else { return }
        let key = Key(collection: change.collection, entityID: change.entityID)
        let open = entities[key] ?? []
        let unchanged =
            !change.retires && !change.hash.isEmpty
            && open.contains { version in
                version.validTo == nil && !version.retired && version.hash == change.hash && version.validFrom <= change.validFrom
            }
        guard !unchanged else { return }
        applied.insert(change.eventID)
        let lastVersion = open.last?.version ?? 0
        let known = max(change.recordedAt, open.last?.systemFrom ?? change.recordedAt)
        var stillOpen: [Version] = []
        var kept: [Version] = []
        for var version in open {
            guard version.validTo.map({ $0 > change.validFrom }) ?? true else {
                stillOpen.append(version)
                continue
            }
            if version.validFrom < change.validFrom {
                var part = version
                part.version = lastVersion + kept.count + 1
                part.validTo = change.validFrom
                part.systemFrom = known
                part.systemTo = nil
                kept.append(part)
            }
            version.systemTo = known
            settled.append((key, version))
        }
        let added = Version(
            version: lastVersion + kept.count + 1, eventID: change.eventID, validFrom: change.validFrom, validTo: nil, systemFrom: known,
            systemTo: nil, retired: change.retires, geometry: change.geometry, properties: change.properties, hash: change.hash,
            source: change.source)
        entities[key] = stillOpen + kept + [added]
    }

    mutating func writeSettled(client: PostgresClient, tables: ProjectionTables, logger: Logger) async throws {
        guard settled.count >= Self.chunk else { return }
        try await Self.insert(settled.map { ($0.0, $0.1, false) }, client: client, tables: tables, logger: logger)
        settled.removeAll(keepingCapacity: true)
    }

    mutating func writeRest(client: PostgresClient, tables: ProjectionTables, logger: Logger) async throws {
        // An entity's current row is its newest version (the last change added it, and only a later
        // change closes it) unless that version retires it.
        var rows = settled.map { ($0.0, $0.1, false) }
        settled.removeAll()
        for (key, open) in entities {
            for version in open { rows.append((key, version, version.version == open.last?.version && !version.retired)) }
        }
        entities.removeAll()
        // Two connections at once: the database's work per row (GeoJSON, jsonb, indexes) is the cost.
        let middle = rows.count / 2
        let firstHalf = Array(rows[..<middle])
        let secondHalf = Array(rows[middle...])
        rows = []
        async let first: Void = Self.insert(firstHalf, client: client, tables: tables, logger: logger)
        async let second: Void = Self.insert(secondHalf, client: client, tables: tables, logger: logger)
        _ = try await (first, second)
    }

    /// Rows per insert.
    static let chunk = 20_000

    /// An open bound (no end) in the milliseconds sent.
    private static let open = Int64.min

    /// Inserts versions, and the current row of those flagged, each geometry parsed once.
    private static func insert(
        _ rows: [(Key, Version, Bool)], client: PostgresClient, tables: ProjectionTables, logger: Logger
    ) async throws {
        for start in stride(from: 0, to: rows.count, by: chunk) {
            let slice = rows[start..<min(start + chunk, rows.count)]
            // Ranges are built by PostgreSQL from the bounds, so an equal pair gives `empty` as in SQL.
            // Bounds go as milliseconds, not text to format and parse four times a row: `to_timestamp`
            // rounds seconds to the microsecond, so a whole millisecond comes back exactly.
            try await client.query(
                """
                WITH incoming AS MATERIALIZED (
                    SELECT collection, entity_id, version, event_id,
                           tstzrange(to_timestamp(valid_from::float8 / 1000), to_timestamp(NULLIF(valid_to, \(Self.open))::float8 / 1000), '[)') AS valid,
                           tstzrange(to_timestamp(system_from::float8 / 1000), to_timestamp(NULLIF(system_to, \(Self.open))::float8 / 1000), '[)') AS system, retired,
                           CASE WHEN geom = '' THEN NULL ELSE ST_SetSRID(ST_GeomFromGeoJSON(geom), 4490) END AS geom,
                           props::jsonb AS properties, NULLIF(hash, '') AS content_hash, source, is_current
                    FROM unnest(
                        \(slice.map(\.0.collection))::text[], \(slice.map(\.0.entityID))::text[], \(slice.map(\.1.version))::int[],
                        \(slice.map(\.1.eventID))::uuid[], \(slice.map(\.1.validFrom))::int8[], \(slice.map { $0.1.validTo ?? Self.open })::int8[],
                        \(slice.map(\.1.systemFrom))::int8[], \(slice.map { $0.1.systemTo ?? Self.open })::int8[], \(slice.map(\.1.retired))::bool[],
                        \(slice.map(\.1.geometry))::text[], \(slice.map(\.1.properties))::text[], \(slice.map(\.1.hash))::text[],
                        \(slice.map(\.1.source))::text[], \(slice.map(\.2))::bool[]
                    ) AS t(collection, entity_id, version, event_id, valid_from, valid_to, system_from, system_to, retired, geom, props, hash, source, is_current)
                ), versions AS (
                    INSERT INTO \(unescaped: tables["entity_versions"])
                        (collection, entity_id, version, event_id, valid, system, retired, geom, properties, content_hash, source)
                    SELECT collection, entity_id, version, event_id, valid, system, retired, geom, properties, content_hash, source FROM incoming
                )
                INSERT INTO \(unescaped: tables["entity_current"])
                    (collection, entity_id, version, event_id, valid_from, recorded_at, geom, properties, content_hash, source)
                SELECT collection, entity_id, version, event_id, lower(valid), lower(system), geom, properties, content_hash, source
                FROM incoming WHERE is_current
                """, logger: logger)
        }
    }
}

import Events
import Foundation
import Kafka
import Logging
import PostgresNIO

/// Materialises `spatial.items` into `located_items`: the latest placement of every item, its point
/// (EPSG:4490), admin codes, precision and score, and what it was placed from.
///
/// With a `relocate` function it places every item again as it reads it (the gazetteer as it is now):
/// that is how `shikong replay --projection items` re-geocodes after a gazetteer fix. An item that no
/// longer places becomes a dead letter with the reason, and the rebuilt table leaves it out.
public struct ItemProjection: Projection {
    /// Places an item again, or says why it no longer can.
    public typealias Relocate = @Sendable (LocatedItemEvent) -> Result<LocatedItemEvent, EventDecodingError>

    public let name = "items"
    public let topics: [String]
    public let tables = ["located_items"]
    private let relocate: Relocate?

    public init(topic: String = Topics.spatialItems, relocate: Relocate? = nil) {
        topics = [topic]
        self.relocate = relocate
    }

    private static let decoder = EventJSON.decoder()
    private static let encoder = EventJSON.encoder()

    public func prepare(_ messages: [KafkaMessage]) -> (rows: [LocatedItemEvent], failures: [ProjectionFailure]) {
        var latest: [String: LocatedItemEvent] = [:]
        var failures: [ProjectionFailure] = []
        for message in messages where message.header("ce_type") == LocatedItemEvent.type {
            do {
                var event = try Self.decoder.decode(LocatedItemEvent.self, from: message.value)
                if let relocate {
                    switch relocate(event) {
                    case .success(let placed): event = placed
                    case .failure(let error):
                        failures.append(ProjectionFailure(message: message, reason: "re-geocoding: \(error.reason)"))
                        continue
                    }
                }
                // One row per item: the batch's latest placement of it wins, as in the table.
                if let seen = latest[event.data.itemID], seen.recordedAt > event.recordedAt { continue }
                latest[event.data.itemID] = event
            } catch {
                failures.append(ProjectionFailure(message: message, reason: "not an item.located event: \(error)"))
            }
        }
        return (latest.values.sorted { $0.data.itemID < $1.data.itemID }, failures)
    }

    public func write(_ items: [LocatedItemEvent], on connection: PostgresConnection, tables: ProjectionTables, logger: Logger) async throws {
        guard !items.isEmpty else { return }
        let labels = try items.map { String(decoding: try Self.encoder.encode($0.attributes), as: UTF8.self) }
        let data = try items.map { String(decoding: try Self.encoder.encode($0.data), as: UTF8.self) }
        // admin_codes travel as one text each ("420000,420100,420106"): arrays of arrays do not unnest.
        try await connection.query(
            """
            INSERT INTO \(unescaped: tables["located_items"]) AS l
                (item_id, event_id, source, occurred_at, recorded_at, geom, method, standard_address, admin_code, admin_codes, precision, score, labels, data)
            SELECT item_id, event_id, source, occurred_at::timestamptz, recorded_at::timestamptz, ST_SetSRID(ST_MakePoint(lon, lat), 4490), method,
                   standard_address, NULLIF(admin_code, ''), CASE WHEN codes = '' THEN '{}'::text[] ELSE string_to_array(codes, ',') END,
                   precision, score, labels::jsonb, data::jsonb
            FROM unnest(
                \(items.map(\.data.itemID))::text[], \(items.map(\.id))::uuid[], \(items.map(\.source))::text[],
                \(items.map { Timestamp.format($0.occurredAt) })::text[], \(items.map { Timestamp.format($0.recordedAt) })::text[],
                \(items.map(\.space.geometry.longitude))::float8[], \(items.map(\.space.geometry.latitude))::float8[],
                \(items.map(\.space.method))::text[], \(items.map(\.space.standardAddress))::text[], \(items.map { $0.space.adminCode ?? "" })::text[],
                \(items.map { $0.space.adminCodes.joined(separator: ",") })::text[], \(items.map(\.space.precision))::text[],
                \(items.map(\.space.score))::float8[], \(labels)::text[], \(data)::text[]
            ) AS t(item_id, event_id, source, occurred_at, recorded_at, lon, lat, method, standard_address, admin_code, codes, precision, score, labels, data)
            ON CONFLICT (item_id) DO UPDATE SET
                event_id = EXCLUDED.event_id, source = EXCLUDED.source, occurred_at = EXCLUDED.occurred_at, recorded_at = EXCLUDED.recorded_at,
                projected_at = clock_timestamp(), geom = EXCLUDED.geom, method = EXCLUDED.method, standard_address = EXCLUDED.standard_address,
                admin_code = EXCLUDED.admin_code, admin_codes = EXCLUDED.admin_codes, precision = EXCLUDED.precision, score = EXCLUDED.score,
                labels = EXCLUDED.labels, data = EXCLUDED.data
            WHERE l.recorded_at <= EXCLUDED.recorded_at
            """, logger: logger)
    }
}

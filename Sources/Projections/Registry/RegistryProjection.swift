import Events
import Foundation
import Kafka
import Logging
import PostgresNIO

/// Materialises `sensors.registry` into `things` and `datastreams`. A row takes an event only when
/// the event is newer (UUIDv7) than the one it holds; a deletion leaves a tombstone, so an older
/// event read again does not bring the row back.
public struct RegistryProjection: Projection {
    public let name = "registry"
    public let topics: [String]
    public let tables = ["things", "datastreams"]

    public init(topic: String = Topics.sensorRegistry) {
        topics = [topic]
    }

    public func prepare(_ messages: [KafkaMessage]) -> (rows: [RegistryEvent], failures: [ProjectionFailure]) {
        var events: [RegistryEvent] = []
        var failures: [ProjectionFailure] = []
        for message in messages where message.header("ce_type").map(RegistryEvent.types.contains) == true {
            do {
                events.append(try RegistryEvent.decode(message))
            } catch {
                failures.append(ProjectionFailure(message: message, reason: error.reason))
            }
        }
        return (events, failures)
    }

    public func write(_ events: [RegistryEvent], on connection: PostgresConnection, tables: ProjectionTables, logger: Logger) async throws {
        for event in events {
            let recorded = Timestamp.format(event.recordedAt)
            if let thing = event.thing {
                let properties = (thing.properties ?? .object([])).text
                try await connection.query(
                    """
                    INSERT INTO \(unescaped: tables["things"]) AS t (id, event_id, name, description, geom, properties, deleted, editor, updated_at)
                    VALUES (\(thing.id), \(event.id), \(thing.name), \(thing.description ?? ""),
                        CASE WHEN \(thing.location?.longitude)::float8 IS NULL THEN NULL
                             ELSE ST_SetSRID(ST_MakePoint(\(thing.location?.longitude)::float8, \(thing.location?.latitude)::float8), 4490) END,
                        \(properties)::jsonb, \(event.isDeletion), \(event.editor), \(recorded)::timestamptz)
                    ON CONFLICT (id) DO UPDATE SET
                        event_id = EXCLUDED.event_id, name = EXCLUDED.name, description = EXCLUDED.description, geom = EXCLUDED.geom,
                        properties = EXCLUDED.properties, deleted = EXCLUDED.deleted, editor = EXCLUDED.editor, updated_at = EXCLUDED.updated_at
                    WHERE t.event_id < EXCLUDED.event_id
                    """, logger: logger)
            }
            if let stream = event.datastream {
                try await connection.query(
                    """
                    INSERT INTO \(unescaped: tables["datastreams"]) AS d (id, event_id, thing, name, description, observed_property, unit, minimum,
                        maximum, domain, industry, theme, crs, deleted, editor, updated_at)
                    VALUES (\(stream.id), \(event.id), \(stream.thing), \(stream.name), \(stream.description ?? ""), \(stream.observedProperty),
                        \(stream.unit), \(stream.minimum), \(stream.maximum), \(stream.labels.domain), \(stream.labels.industry), \(stream.labels.theme),
                        \(stream.crs), \(event.isDeletion), \(event.editor), \(recorded)::timestamptz)
                    ON CONFLICT (id) DO UPDATE SET
                        event_id = EXCLUDED.event_id, thing = EXCLUDED.thing, name = EXCLUDED.name, description = EXCLUDED.description,
                        observed_property = EXCLUDED.observed_property, unit = EXCLUDED.unit, minimum = EXCLUDED.minimum,
                        maximum = EXCLUDED.maximum, domain = EXCLUDED.domain, industry = EXCLUDED.industry, theme = EXCLUDED.theme,
                        crs = EXCLUDED.crs, deleted = EXCLUDED.deleted, editor = EXCLUDED.editor, updated_at = EXCLUDED.updated_at
                    WHERE d.event_id < EXCLUDED.event_id
                    """, logger: logger)
            }
        }
    }
}

import Events
import Foundation
import Kafka
import Logging
import PostgresNIO

/// Materialises `catalogue` events into `collections`: one row per collection with its metadata.
///
/// An event changes a row only when its id is newer (UUIDv7, time-ordered) than the id the row
/// holds, so applying it twice, or replaying the topic, leaves the table as it was. A registration
/// of an existing collection keeps edited metadata and takes the new property list; an edit sets
/// the fields it carries.
public struct CatalogueProjection: Projection {
    public let name = "catalogue"
    public let topics: [String]
    public let tables = ["collections"]

    public init(topic: String = Topics.catalogue) {
        topics = [topic]
    }

    public func prepare(_ messages: [KafkaMessage]) -> (rows: [CatalogueEvent], failures: [ProjectionFailure]) {
        let decoder = EventJSON.decoder()
        var events: [CatalogueEvent] = []
        var failures: [ProjectionFailure] = []
        for message in messages {
            let type = message.header("ce_type")
            guard type == CatalogueEvent.registered || type == CatalogueEvent.updated else { continue }
            do {
                let event = try decoder.decode(CatalogueEvent.self, from: message.value)
                if let problem = Self.problem(event) {
                    failures.append(ProjectionFailure(message: message, reason: problem))
                } else {
                    events.append(event)
                }
            } catch {
                failures.append(ProjectionFailure(message: message, reason: "not a catalogue event: \(error)"))
            }
        }
        return (events, failures)
    }

    static func problem(_ event: CatalogueEvent) -> String? {
        if let problem = CollectionMetadata.problem(withID: event.data.id) { return problem }
        if let classification = event.data.classification, !CollectionMetadata.classifications.contains(classification) {
            return "classification must be one of \(CollectionMetadata.classifications.joined(separator: ", ")), not \(classification)"
        }
        if let property = event.data.properties?.first(where: { !CollectionProperty.types.contains($0.type) }) {
            return "property \(property.name) has type \(property.type); types are \(CollectionProperty.types.joined(separator: ", "))"
        }
        return nil
    }

    public func write(_ events: [CatalogueEvent], on connection: PostgresConnection, tables: ProjectionTables, logger: Logger) async throws {
        let table = tables["collections"]
        let encoder = JSONEncoder()
        for event in events {
            let data = event.data
            let properties = try data.properties.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
            let recorded = Timestamp.format(event.recordedAt)
            if event.type == CatalogueEvent.registered {
                try await connection.query(
                    """
                    INSERT INTO \(unescaped: table) AS c (id, kind, title, description, keywords, domain, industry, theme, classification,
                        classification_property, source, update_frequency, allow_outside_service_area, properties, indexed, registered_at, updated_at,
                        event_id)
                    VALUES (\(data.id), \(data.kind?.rawValue ?? "entities"), \(data.title ?? data.id), \(data.description ?? ""), \(data.keywords ?? []),
                        \(data.domain), \(data.industry), \(data.theme), \(data.classification ?? "public"), nullif(\(data.classificationProperty), ''),
                        \(data.source), \(data.updateFrequency), \(data.allowOutsideServiceArea ?? false), coalesce(\(properties)::jsonb, '[]'::jsonb),
                        \(data.indexed ?? []), \(recorded)::timestamptz, \(recorded)::timestamptz, \(event.id))
                    ON CONFLICT (id) DO UPDATE SET
                        properties = coalesce(\(properties)::jsonb, c.properties),
                        classification_property = coalesce(c.classification_property, EXCLUDED.classification_property),
                        domain = coalesce(c.domain, EXCLUDED.domain), industry = coalesce(c.industry, EXCLUDED.industry),
                        theme = coalesce(c.theme, EXCLUDED.theme), source = coalesce(c.source, EXCLUDED.source),
                        update_frequency = coalesce(c.update_frequency, EXCLUDED.update_frequency),
                        updated_at = EXCLUDED.updated_at, event_id = EXCLUDED.event_id
                    WHERE c.event_id < EXCLUDED.event_id
                    """, logger: logger)
            } else {
                try await connection.query(
                    """
                    UPDATE \(unescaped: table) SET
                        title = coalesce(\(data.title), title), description = coalesce(\(data.description), description),
                        keywords = coalesce(\(data.keywords)::text[], keywords), domain = coalesce(\(data.domain), domain),
                        industry = coalesce(\(data.industry), industry), theme = coalesce(\(data.theme), theme),
                        classification = coalesce(\(data.classification), classification), source = coalesce(\(data.source), source),
                        classification_property = CASE WHEN \(data.classificationProperty)::text IS NULL THEN classification_property
                            ELSE nullif(\(data.classificationProperty), '') END,
                        update_frequency = coalesce(\(data.updateFrequency), update_frequency),
                        allow_outside_service_area = coalesce(\(data.allowOutsideServiceArea), allow_outside_service_area),
                        properties = coalesce(\(properties)::jsonb, properties), indexed = coalesce(\(data.indexed)::text[], indexed),
                        updated_at = \(recorded)::timestamptz, event_id = \(event.id)
                    WHERE id = \(data.id) AND event_id < \(event.id)
                    """, logger: logger)
            }
        }
    }
}

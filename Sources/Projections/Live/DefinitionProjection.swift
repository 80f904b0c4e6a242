import Events
import Foundation
import Kafka
import Logging
import PostgresNIO

/// Materialises the definition topics (aggregations, geofences, alert rules) into
/// `live_definitions`, one row per definition as it stands; a deletion leaves a tombstone. An event
/// changes a row only when its id is newer (UUIDv7) than the one the row holds, so replays change
/// nothing. Definitions that fail their checks are dead letters.
public struct DefinitionProjection: Projection {
    public let name = "definitions"
    public let topics: [String]
    public let tables = ["live_definitions"]

    public init(topics: [String] = DefinitionKind.allCases.map(\.topic)) {
        self.topics = topics
    }

    public struct Row: Sendable {
        var kind: String
        var id: String
        var eventID: UUID
        var definition: String?
        var source: String
        var recordedAt: Date
    }

    public func prepare(_ messages: [KafkaMessage]) -> (rows: [Row], failures: [ProjectionFailure]) {
        var rows: [Row] = []
        var failures: [ProjectionFailure] = []
        for message in messages {
            guard let type = message.header("ce_type"), let kind = DefinitionKind.allCases.first(where: { $0.topic == message.topic }),
                type == kind.definedType || type == kind.deletedType
            else { continue }
            do {
                switch kind {
                case .aggregation: rows.append(try Self.row(DefinitionChange<AggregationDefinition>.decode(message)))
                case .geofence: rows.append(try Self.row(DefinitionChange<GeofenceDefinition>.decode(message)))
                case .rule: rows.append(try Self.row(DefinitionChange<AlertRule>.decode(message)))
                }
            } catch let error as EventDecodingError {
                failures.append(ProjectionFailure(message: message, reason: error.reason))
            } catch {
                failures.append(ProjectionFailure(message: message, reason: "\(error)"))
            }
        }
        return (rows, failures)
    }

    static func row<Definition: LiveDefinition>(_ change: DefinitionChange<Definition>) throws -> Row {
        var json: String?
        if let definition = change.definition {
            if let problem = definition.problem() { throw EventDecodingError("\(Definition.kind.rawValue) \(definition.id): \(problem)") }
            json = String(decoding: try EventJSON.encoder().encode(definition), as: UTF8.self)
        }
        return Row(
            kind: Definition.kind.rawValue, id: change.definitionID, eventID: change.id, definition: json, source: change.source,
            recordedAt: change.recordedAt)
    }

    public func write(_ rows: [Row], on connection: PostgresConnection, tables: ProjectionTables, logger: Logger) async throws {
        let table = tables["live_definitions"]
        for row in rows {
            try await connection.query(
                """
                INSERT INTO \(unescaped: table) AS d (kind, id, event_id, definition, deleted, source, updated_at)
                VALUES (\(row.kind), \(row.id), \(row.eventID), \(row.definition)::jsonb, \(row.definition == nil), \(row.source), \(Timestamp.format(row.recordedAt))::timestamptz)
                ON CONFLICT (kind, id) DO UPDATE SET event_id = EXCLUDED.event_id, definition = EXCLUDED.definition, deleted = EXCLUDED.deleted,
                    source = EXCLUDED.source, updated_at = EXCLUDED.updated_at
                WHERE d.event_id < EXCLUDED.event_id
                """, logger: logger)
        }
    }
}

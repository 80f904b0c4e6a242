import Events
import Foundation
import JSON
import Kafka
import Logging
import PostgresNIO

/// Materialises the `alerts` topic: every event into `alert_events`, and each alert as it stands into
/// `alerts` (raised, then acknowledged and/or cleared; a cleared alert stays cleared). An event is
/// applied only the first time it is seen (keyed by event id).
public struct AlertProjection: Projection {
    public let name = "alerts"
    public let topics: [String]
    public let tables = ["alerts", "alert_events"]

    public init(topic: String = Topics.alerts) {
        topics = [topic]
    }

    public func prepare(_ messages: [KafkaMessage]) -> (rows: [AlertEvent], failures: [ProjectionFailure]) {
        var events: [AlertEvent] = []
        var failures: [ProjectionFailure] = []
        for message in messages where message.header("ce_type").map(AlertEvent.types.contains) == true {
            do {
                events.append(try AlertEvent.decode(message))
            } catch {
                failures.append(ProjectionFailure(message: message, reason: error.reason))
            }
        }
        return (events, failures)
    }

    public func write(_ events: [AlertEvent], on connection: PostgresConnection, tables: ProjectionTables, logger: Logger) async throws {
        let alerts = tables["alerts"]
        let history = tables["alert_events"]
        let encoder = JSONEncoder()
        for event in events {
            let data = event.data
            let json = String(decoding: try encoder.encode(data), as: UTF8.self)
            let evidence = String(decoding: try encoder.encode(data.evidence), as: UTF8.self)
            let geometry = try event.space.geometry.map { String(decoding: try encoder.encode($0), as: UTF8.self) } ?? ""
            let occurred = Timestamp.format(event.occurredAt)
            let recorded = Timestamp.format(event.recordedAt)
            let fresh = try await connection.query(
                """
                INSERT INTO \(unescaped: history) (event_id, alert_id, type, occurred_at, recorded_at, data)
                VALUES (\(event.id), \(data.alertID), \(event.type), \(occurred)::timestamptz, \(recorded)::timestamptz, \(json)::jsonb)
                ON CONFLICT DO NOTHING RETURNING 1
                """, logger: logger)
            var inserted = false
            for try await _ in fresh { inserted = true }
            guard inserted else { continue }
            switch event.type {
            case AlertEvent.raised:
                try await connection.query(
                    """
                    INSERT INTO \(unescaped: alerts) (alert_id, rule, kind, subject, fence, severity, status, message, raised_at, recorded_at, geom, evidence, updated_at)
                    VALUES (\(data.alertID), \(data.rule), \(data.kind), \(data.subject), \(data.fence), \(data.severity), 'raised', \(data.message),
                        \(occurred)::timestamptz, \(recorded)::timestamptz,
                        CASE WHEN \(geometry) = '' THEN NULL ELSE ST_SetSRID(ST_GeomFromGeoJSON(\(geometry)), 4490) END, \(evidence)::jsonb, \(recorded)::timestamptz)
                    ON CONFLICT (alert_id) DO NOTHING
                    """, logger: logger)
            case AlertEvent.acknowledged:
                try await connection.query(
                    """
                    UPDATE \(unescaped: alerts) SET acknowledged_at = \(occurred)::timestamptz, acknowledged_by = \(data.by), note = \(data.note),
                        status = CASE WHEN cleared_at IS NULL THEN 'acknowledged' ELSE status END, updated_at = \(recorded)::timestamptz
                    WHERE alert_id = \(data.alertID) AND acknowledged_at IS NULL
                    """, logger: logger)
            default:
                try await connection.query(
                    """
                    UPDATE \(unescaped: alerts) SET cleared_at = \(occurred)::timestamptz, status = 'cleared', clear_evidence = \(evidence)::jsonb,
                        updated_at = \(recorded)::timestamptz
                    WHERE alert_id = \(data.alertID) AND cleared_at IS NULL
                    """, logger: logger)
            }
        }
    }
}

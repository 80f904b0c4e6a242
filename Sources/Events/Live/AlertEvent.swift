import Foundation
import JSON
import Kafka

/// An alert's life on the `alerts` topic: `alert.raised` (by a rule, about a subject, maybe a fence,
/// with the evidence), `alert.acknowledged` (by an operator, through the API) and `alert.cleared`
/// (the rule no longer holds). Keyed by `alert:<rule>/<subject>`, so an alert's events stay in order.
public struct AlertEvent: Codable, Sendable {
    public static let raised = "alert.raised"
    public static let acknowledged = "alert.acknowledged"
    public static let cleared = "alert.cleared"
    public static let types = [raised, acknowledged, cleared]

    public var id: UUID
    public var type: String
    public var subject: String
    public var source: String
    /// When it happened in the world: the time of the reading or window end that raised or cleared
    /// it; for an acknowledgement, when the operator acknowledged it.
    public var occurredAt: Date
    public var recordedAt: Date
    public var space: GeometrySpace
    public var data: Alert
    public var schema: String

    public init(id: UUID, type: String, source: String, occurredAt: Date, recordedAt: Date, geometry: JSONValue?, data: Alert) {
        self.id = id
        self.type = type
        self.subject = Self.subject(rule: data.rule, subject: data.subject)
        self.source = source
        self.occurredAt = occurredAt
        self.recordedAt = recordedAt
        self.space = GeometrySpace(geometry: geometry)
        self.data = data
        self.schema = "shikong/\(type)/1"
    }

    public static func subject(rule: String, subject: String) -> String { "alert:\(rule)/\(subject)" }

    enum CodingKeys: String, CodingKey {
        case id, type, subject, source, space, data, schema
        case occurredAt = "occurred_at"
        case recordedAt = "recorded_at"
    }

    public func record(topic: String = Topics.alerts) throws -> OutgoingRecord {
        var metadata = EventMetadata(
            id: id, type: type, subject: subject, source: source, occurredAt: occurredAt, recordedAt: recordedAt, schema: schema)
        metadata.extensions["rule"] = data.rule
        metadata.extensions["alert"] = data.alertID.uuidString.lowercased()
        return metadata.record(topic: topic, value: try EventJSON.encoder().encode(self))
    }

    public static func decode(_ message: KafkaMessage) throws(EventDecodingError) -> AlertEvent {
        do {
            return try EventJSON.decoder().decode(AlertEvent.self, from: message.value)
        } catch {
            throw EventDecodingError("not an alert event: \(error)")
        }
    }

    /// A deterministic id: the same rule, subject, fence, kind of event and triggering event always
    /// give the same id, so a processor repeating itself after a crash repeats the same event.
    public static func eventID(type: String, rule: String, subject: String, fence: String?, trigger: String, at date: Date) -> UUID {
        EventIDGenerator.contentID(at: date, content: Array("\(type)|\(rule)|\(subject)|\(fence ?? "")|\(trigger)".utf8))
    }
}

/// What an alert says.
public struct Alert: Codable, Sendable, Equatable {
    /// The id of the `alert.raised` event; later events of the alert carry it.
    public var alertID: UUID
    public var rule: String
    /// The rule's kind: `enter`, `exit`, `inside`, `dwell` or `threshold`.
    public var kind: String
    /// What it is about: a moving subject (`sensor:veh-007`), a sensor, or an aggregate key (`aggregate:<aggregation>/<key>`).
    public var subject: String
    /// The fence (`wuhan_districts/420106`, `geofences/depot`), for geofence rules.
    public var fence: String?
    public var severity: String
    /// `raised`, `acknowledged` or `cleared`: the state this event puts the alert in.
    public var status: String
    public var message: String
    /// What the rule saw: the event id, time, position and values, or the windows.
    public var evidence: JSONValue
    /// Who acknowledged it (acknowledgements).
    public var by: String?
    /// The operator's note (acknowledgements).
    public var note: String?

    public init(
        alertID: UUID, rule: String, kind: String, subject: String, fence: String?, severity: String, status: String, message: String,
        evidence: JSONValue, by: String? = nil, note: String? = nil
    ) {
        self.alertID = alertID
        self.rule = rule
        self.kind = kind
        self.subject = subject
        self.fence = fence
        self.severity = severity
        self.status = status
        self.message = message
        self.evidence = evidence
        self.by = by
        self.note = note
    }

    enum CodingKeys: String, CodingKey {
        case rule, kind, subject, fence, severity, status, message, evidence, by, note
        case alertID = "alert_id"
    }
}

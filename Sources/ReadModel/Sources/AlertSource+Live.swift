import CQL2
import Events
import Foundation
import JSON

extension AlertSource: LiveSource {
    public var liveTopics: [String] { [Topics.alerts] }
    /// On a subscription, `datetime` applies to when the alert was raised, as on `/items`.
    public var liveTime: String? { "raised_at" }
    public var liveProjection: String { "alerts" }

    /// Each event of an alert (raised, acknowledged, cleared) is the alert's new state, keyed by
    /// the alert as in `/collections/alerts/items`. The message carries what the event says: the
    /// status it puts the alert in and that step's time (`raised_at`, `acknowledged_at` or
    /// `cleared_at`), with the rule, subject, fence, severity and message.
    public func liveFeature(_ event: LiveEvent, in collection: ServedCollection) -> LiveFeature? {
        guard AlertEvent.types.contains(event.type), let value = event.value,
            let decoded = try? EventJSON.decoder().decode(AlertEvent.self, from: Data(value.text.utf8))
        else { return nil }
        let alert = decoded.data
        let occurred = JSONValue.string(Timestamp.format(decoded.occurredAt))
        var properties: [(key: String, value: JSONValue)] = [
            ("rule", .string(alert.rule)), ("kind", .string(alert.kind)), ("subject", .string(alert.subject)),
            ("fence", alert.fence.map(JSONValue.string) ?? .null), ("severity", .string(alert.severity)), ("status", .string(alert.status)),
            ("message", .string(alert.message)),
            // An acknowledgement or a clearing does not repeat when the alert was raised: its id
            // (a UUIDv7 made at that moment) tells it to the millisecond.
            ("raised_at", decoded.type == AlertEvent.raised ? occurred : .string(Timestamp.format(Self.time(of: alert.alertID)))),
            ("recorded_at", .string(Timestamp.format(decoded.recordedAt))),
        ]
        switch decoded.type {
        case AlertEvent.raised:
            properties.append(("evidence", alert.evidence))
        case AlertEvent.acknowledged:
            properties += [("acknowledged_at", occurred), ("acknowledged_by", alert.by.map(JSONValue.string) ?? .null)]
            if let note = alert.note { properties.append(("note", .string(note))) }
        default:
            properties += [("cleared_at", occurred), ("clear_evidence", alert.evidence)]
        }
        properties.removeAll { $0.value == .null }
        var inputs: [String: JSONValue] = [:]
        for (name, value) in properties { inputs[name] = value }
        let geometry = decoded.space.geometry.flatMap { try? CQL2Geometry(geoJSON: $0) }
        return LiveFeature(
            id: alert.alertID.uuidString.lowercased(), geometry: geometry, properties: properties, inputs: inputs, queryables: collection.queryables)
    }

    /// The time a UUIDv7 was made at (its first 48 bits, milliseconds since the epoch).
    static func time(of id: UUID) -> Date {
        let bytes = id.uuid
        let milliseconds = [bytes.0, bytes.1, bytes.2, bytes.3, bytes.4, bytes.5].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return Date(timeIntervalSince1970: Double(milliseconds) / 1_000)
    }
}

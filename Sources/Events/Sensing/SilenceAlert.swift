import Foundation
import JSON
import Kafka

/// A sensor of a feed fell silent (`alert.raised`) or spoke again (`alert.cleared`), as an event on
/// `alerts` in the shape every alert has there: rule `silence:<task>`, kind `silence`, subject
/// `sensor:<id>`, keyed `alert:<rule>/<subject>`. Ids derive from the task, the sensor and when it
/// last spoke, so a process reporting the same silence again (after a restart) repeats the same event.
public enum SilenceAlert {
    public static let topic = "alerts"
    public static let raised = "alert.raised"
    public static let cleared = "alert.cleared"

    /// The record of a silence (`spokeAt == nil`) or of its end.
    public static func record(
        task: String, sensor: String, lastSeen: Date, spokeAt: Date?, expectedInterval: Double, intervals: Int, now: Date = Date()
    ) -> OutgoingRecord {
        let rule = "silence:\(task)"
        let subject = "sensor:\(sensor)"
        let lastSeenText = Timestamp.format(lastSeen)
        let alertID = EventIDGenerator.contentID(at: lastSeen, content: Array("silence|\(task)|\(sensor)|\(lastSeenText)".utf8))
        let type = spokeAt == nil ? raised : cleared
        let id = spokeAt.map { EventIDGenerator.contentID(at: $0, content: Array("spoke|\(task)|\(sensor)|\(lastSeenText)".utf8)) } ?? alertID
        let occurred = spokeAt ?? lastSeen.addingTimeInterval(expectedInterval * Double(intervals))
        let message =
            spokeAt == nil
            ? "sensor \(sensor) of feed \(task) has been silent since \(lastSeenText) (expected every \(JSONValue.format(expectedInterval)) s; \(intervals) intervals)"
            : "sensor \(sensor) of feed \(task) spoke again at \(Timestamp.format(spokeAt!)) after a silence since \(lastSeenText)"
        var evidence: [(key: String, value: JSONValue)] = [
            ("task", .string(task)), ("last_seen", .string(lastSeenText)), ("expected_interval_seconds", .number(expectedInterval)),
            ("silent_after_intervals", .number(Double(intervals))),
        ]
        if let spokeAt { evidence.append(("spoke_at", .string(Timestamp.format(spokeAt)))) }
        let data: JSONValue = .object([
            ("alert_id", .string(alertID.uuidString.lowercased())), ("rule", .string(rule)), ("kind", .string("silence")),
            ("subject", .string(subject)), ("severity", .string("warning")), ("status", .string(spokeAt == nil ? "raised" : "cleared")),
            ("message", .string(message)), ("evidence", .object(evidence)),
        ])
        var metadata = EventMetadata(
            id: id, type: type, subject: "alert:\(rule)/\(subject)", source: "task:\(task)", occurredAt: occurred, recordedAt: now,
            schema: "shikong/\(type)/1")
        metadata.extensions["rule"] = rule
        metadata.extensions["alert"] = alertID.uuidString.lowercased()
        let value: JSONValue = .object([
            ("data", data), ("id", .string(id.uuidString.lowercased())), ("occurred_at", .string(Timestamp.format(occurred))),
            ("recorded_at", .string(Timestamp.format(now))), ("schema", .string(metadata.schema)), ("source", .string(metadata.source)),
            ("space", .object([("crs", .string("EPSG:4490")), ("geometry", .null)])), ("subject", .string(metadata.subject)),
            ("type", .string(type)),
        ])
        return metadata.record(topic: topic, value: Data(value.text.utf8))
    }
}

import Foundation
import JSON
import Kafka

/// A sensor of a feed fell silent (`alert.raised`) or spoke again (`alert.cleared`), as an
/// `AlertEvent` on the live layer's `alerts` topic: rule `silence:<task>`, kind `silence`, subject
/// `sensor:<id>`. Ids derive from the task, the sensor and when it last spoke, so a process
/// reporting the same silence again (after a restart) repeats the same event.
public enum SilenceAlert {
    public static let kind = "silence"

    /// The record of a silence (`spokeAt == nil`) or of its end.
    public static func record(
        task: String, sensor: String, lastSeen: Date, spokeAt: Date?, expectedInterval: Double, intervals: Int, now: Date = Date()
    ) throws -> OutgoingRecord {
        let lastSeenText = Timestamp.format(lastSeen)
        let alertID = EventIDGenerator.contentID(at: lastSeen, content: Array("silence|\(task)|\(sensor)|\(lastSeenText)".utf8))
        let id = spokeAt.map { EventIDGenerator.contentID(at: $0, content: Array("spoke|\(task)|\(sensor)|\(lastSeenText)".utf8)) } ?? alertID
        let message: String
        var evidence: [(key: String, value: JSONValue)] = [
            ("task", .string(task)), ("last_seen", .string(lastSeenText)), ("expected_interval_seconds", .number(expectedInterval)),
            ("silent_after_intervals", .number(Double(intervals))),
        ]
        if let spokeAt {
            message = "sensor \(sensor) of feed \(task) spoke again at \(Timestamp.format(spokeAt)) after a silence since \(lastSeenText)"
            evidence.append(("spoke_at", .string(Timestamp.format(spokeAt))))
        } else {
            message =
                "sensor \(sensor) of feed \(task) has been silent since \(lastSeenText) (expected every \(JSONValue.format(expectedInterval)) s; \(intervals) intervals)"
        }
        let alert = Alert(
            alertID: alertID, rule: "silence:\(task)", kind: kind, subject: "sensor:\(sensor)", fence: nil, severity: "warning",
            status: spokeAt == nil ? "raised" : "cleared", message: message, evidence: .object(evidence))
        let event = AlertEvent(
            id: id, type: spokeAt == nil ? AlertEvent.raised : AlertEvent.cleared, source: "task:\(task)",
            occurredAt: spokeAt ?? lastSeen.addingTimeInterval(expectedInterval * Double(intervals)), recordedAt: now, geometry: nil,
            data: alert)
        return try event.record()
    }
}

import Foundation

/// The envelope attributes every event carries (ARCHITECTURE.md, "The event").
///
/// On Kafka they travel as CloudEvents binary-mode headers (`ce_id`, `ce_type`, …), so any stage,
/// the archive and the dead-letter queue can route an event without parsing its value.
public struct EventMetadata: Sendable, Hashable {
    /// Time-ordered unique id (UUIDv7) assigned at ingest; kept by every later stage.
    public var id: UUID
    /// e.g. `sensor.reading`.
    public var type: String
    /// What the event is about, e.g. `sensor:wh-0001`; also the Kafka key.
    public var subject: String
    /// Where it came from, e.g. `mqtt://127.0.0.1:11883/city/wh-0001/air`.
    public var source: String
    /// Valid time, as given by the source (for raw MQTT input: when the bridge received it).
    public var occurredAt: Date
    /// System time: when the platform appended it.
    public var recordedAt: Date
    /// Payload schema id and version, e.g. `shikong/sensor.reading.raw/1`.
    public var schema: String
    /// Media type of the value bytes.
    public var contentType: String
    /// Further attributes (lower-case names), e.g. `crs` for the coordinate system a feed declares.
    public var extensions: [String: String]

    public init(
        id: UUID, type: String, subject: String, source: String, occurredAt: Date, recordedAt: Date,
        schema: String, contentType: String = "application/json", extensions: [String: String] = [:]
    ) {
        self.id = id
        self.type = type
        self.subject = subject
        self.source = source
        self.occurredAt = occurredAt
        self.recordedAt = recordedAt
        self.schema = schema
        self.contentType = contentType
        self.extensions = extensions
    }
}

/// A problem with an event's envelope or payload, phrased for the dead-letter queue.
public struct EventDecodingError: Error, Sendable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

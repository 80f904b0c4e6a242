import Foundation
import JSON
import Kafka

/// A change to a task, as JSON in the value of `tasks`: `task.added`, `task.changed`, `task.paused`,
/// `task.resumed` or `task.deleted`. Each carries the whole task as it stands after the change, so
/// the latest event of a task is its state; the source is the editor (`user:<name>`), so the topic is
/// the history of who changed what. Keyed by `task:<id>`.
public struct TaskEvent: Codable, Sendable, Equatable {
    public static let added = "task.added"
    public static let changed = "task.changed"
    public static let paused = "task.paused"
    public static let resumed = "task.resumed"
    public static let deleted = "task.deleted"
    public static let types = [added, changed, paused, resumed, deleted]

    public var id: UUID
    public var type: String
    public var subject: String
    /// The editor, `user:<name>`.
    public var source: String
    public var occurredAt: Date
    public var recordedAt: Date
    public var data: PlatformTask
    public var schema: String

    public init(id: UUID = EventIDGenerator.shared.next(), type: String, task: PlatformTask, at date: Date = Date()) {
        self.id = id
        self.type = type
        self.subject = Self.subject(task.id)
        self.source = Self.source(editor: task.editor)
        self.occurredAt = date
        self.recordedAt = date
        self.data = task
        self.schema = "shikong/task.event/1"
    }

    public static func subject(_ taskID: String) -> String { "task:\(taskID)" }
    public static func source(editor: String) -> String { "user:\(editor)" }

    enum CodingKeys: String, CodingKey {
        case id, type, subject, source, data, schema
        case occurredAt = "occurred_at"
        case recordedAt = "recorded_at"
    }

    /// The Kafka record: the whole event as the value, the envelope in `ce_*` headers, keyed by the subject.
    public func record(topic: String = Topics.tasks) throws -> OutgoingRecord {
        var metadata = EventMetadata(
            id: id, type: type, subject: subject, source: source, occurredAt: occurredAt, recordedAt: recordedAt, schema: schema)
        metadata.extensions["taskkind"] = data.kind.rawValue
        return metadata.record(topic: topic, value: try EventJSON.encoder().encode(self))
    }

    /// Reads a consumed record; throws the reason a dead letter carries.
    public static func decode(_ message: KafkaMessage) throws(EventDecodingError) -> TaskEvent {
        let event: TaskEvent
        do {
            event = try EventJSON.decoder().decode(TaskEvent.self, from: message.value)
        } catch {
            throw EventDecodingError("not a task event: \(error)")
        }
        guard types.contains(event.type) else { throw EventDecodingError("unknown task event type \(event.type)") }
        if let problem = PlatformTask.problem(withID: event.data.id) { throw EventDecodingError(problem) }
        return event
    }
}

extension Topics {
    /// Tasks (MQTT feeds, crawls, API polls): every change, with the editor as the source.
    public static let tasks = "tasks"
}

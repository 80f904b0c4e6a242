import Events
import Foundation
import Hummingbird
import JSON
import ReadModel

/// Tasks, their changes and their figures as the API shows them.
enum TaskDocument {
    static func task(_ task: TaskReads.StoredTask, base: String) -> JSONValue {
        let url = "\(base)/tasks/\(task.id)"
        return .object([
            ("id", .string(task.id)), ("kind", .string(task.kind)), ("name", task.name.map(JSONValue.string) ?? .null),
            ("state", .string(task.state)), ("owner", .string(task.owner)), ("editor", .string(task.editor)),
            ("version", .number(Double(task.version))), ("definition", task.definition),
            ("created_at", .string(Timestamp.format(task.createdAt))), ("updated_at", .string(Timestamp.format(task.updatedAt))),
            (
                "links",
                .array([
                    link(url, "self"), link("\(url)/status", "status"), link("\(url)/history", "version-history"),
                ])
            ),
        ])
    }

    static func change(_ change: TaskReads.Change) -> JSONValue {
        .object([
            ("version", .number(Double(change.version))), ("type", .string(change.type)), ("editor", .string(change.editor)),
            ("recorded_at", .string(Timestamp.format(change.recordedAt))), ("event_id", .string(change.eventID.uuidString.lowercased())),
            ("task", change.task),
        ])
    }

    static func status(_ status: TaskReads.Status, task: TaskReads.StoredTask) -> JSONValue {
        let deadLettersPerSecond = Double(status.deadLettersLastMinute) / 60
        let failures = status.errorsPerSecond + deadLettersPerSecond
        var details: [(key: String, value: JSONValue)] = []
        for object in status.details {
            for (key, value) in object.members ?? [] {
                if let index = details.firstIndex(where: { $0.key == key }) { details[index].value = value } else { details.append((key, value)) }
            }
        }
        func time(_ date: Date?) -> JSONValue { date.map { .string(Timestamp.format($0)) } ?? .null }
        return .object([
            ("task", .string(task.id)), ("kind", .string(task.kind)), ("state", .string(task.state)), ("running", .bool(status.running)),
            ("processes", .array(status.processes.map(JSONValue.string))),
            ("messages", .number(Double(status.messages))), ("bytes", .number(Double(status.bytes))), ("errors", .number(Double(status.errors))),
            ("messages_per_second", .number(status.messagesPerSecond)), ("bytes_per_second", .number(status.bytesPerSecond)),
            ("errors_per_second", .number(status.errorsPerSecond)), ("dead_letters_per_second", .number(deadLettersPerSecond)),
            ("error_rate", .number(status.messagesPerSecond > 0 ? min(1, failures / status.messagesPerSecond) : (failures > 0 ? 1 : 0))),
            ("last_message_at", time(status.lastMessageAt)), ("last_error", status.lastError.map(JSONValue.string) ?? .null),
            ("last_error_at", time(status.lastErrorAt)),
            (
                "dead_letters",
                .object([("last_minute", .number(Double(status.deadLettersLastMinute))), ("total", .number(Double(status.deadLetters)))])
            ),
            ("details", .object(details)),
        ])
    }

    static func link(_ href: String, _ rel: String) -> JSONValue {
        .object([("href", .string(href)), ("rel", .string(rel)), ("type", .string("application/json"))])
    }

    /// A JSON response of `value`, with the task's ETag when given.
    static func response(_ value: JSONValue, status: HTTPResponse.Status = .ok, version: Int? = nil, location: String? = nil) -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let version { headers[.eTag] = EditRequest.entityTag(version) }
        if let location { headers[.location] = location }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: value.text)))
    }
}

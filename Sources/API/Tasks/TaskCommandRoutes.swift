import Events
import Foundation
import Hummingbird
import Ingest
import JSON
import Kafka
import Logging
import ReadModel

/// Changing tasks, each change a `TaskEvent` on `tasks` with the editor as its source:
/// `POST /tasks` adds one, `PATCH /tasks/{id}` changes its name, owner or definition (a JSON merge
/// patch of the definition), `POST /tasks/{id}/pause` and `/resume`, `DELETE /tasks/{id}`. A
/// definition is checked by its kind's validator before anything is saved. `If-Match` with the
/// task's ETag makes a change conditional (412 when the task changed since). The answer waits
/// (up to 5 s) until the task projection shows the change, then gives the task and its ETag; if the
/// projection is slower it is a 202 with the event id.
///
/// These are write routes: they are registered on their own route group, for access control to wrap.
struct TaskCommandRoutes: Sendable {
    let reads: TaskReads
    let producer: KafkaProducer?
    let validators: [TaskKind: any TaskDefinitionValidator]
    let maximumBody: Int
    let logger: Logger

    static let example = #"{"kind": "mqtt-feed", "id": "river-levels", "definition": {"topic_filter": "river/+/level"}}"#

    func addRoutes(to router: RouterGroup<some RequestContext>) {
        router.post("/tasks") { request, _ in
            let editor = try EditRequest.editor(request)
            let body = try await EditRequest.object(request, limit: maximumBody, example: Self.example)
            try EditRequest.refuseUnknown(body, allowed: ["id", "kind", "name", "definition", "owner", "state"])
            guard let kindText = body["kind"]?.string else {
                throw Problem.badRequest("kind is required: one of \(validators.keys.map(\.rawValue).sorted().joined(separator: ", "))")
            }
            let kind = TaskKind(kindText)
            let id =
                try body["id"].map { value throws -> String in
                    guard let id = value.string else { throw Problem.badRequest("id must be a string") }
                    return id
                } ?? Self.newID(kind: kind)
            if let problem = PlatformTask.problem(withID: id) { throw Problem.badRequest(problem) }
            if let existing = try await reads.task(id), existing.state != PlatformTask.State.deleted.rawValue {
                throw Problem(.conflict, detail: "task \(id) exists; change it with PATCH /tasks/\(id)")
            }
            let state =
                try body["state"].map { value throws -> PlatformTask.State in
                    guard let text = value.string, let state = PlatformTask.State(rawValue: text), state != .deleted else {
                        throw Problem.badRequest("state is active or paused")
                    }
                    return state
                } ?? .active
            let task = PlatformTask(
                id: id, kind: kind, name: try Self.optionalText(body["name"], "name"),
                definition: try await validate(kind: kind, body["definition"]), state: state,
                owner: try Self.optionalText(body["owner"], "owner") ?? editor, editor: editor)
            return try await publish(TaskEvent(type: TaskEvent.added, task: task), request: request, created: true)
        }
        router.patch("/tasks/:task") { request, context in
            let editor = try EditRequest.editor(request)
            var task = try await current(try context.parameters.require("task"), request: request, editor: editor)
            let before = task
            let body = try await EditRequest.object(request, limit: maximumBody, example: #"{"definition": {"expected_interval_seconds": 60}}"#)
            try EditRequest.refuseUnknown(body, allowed: ["name", "definition", "owner"])
            if let name = body["name"] { task.name = name.isNull ? nil : try Self.optionalText(name, "name") }
            if let owner = try Self.optionalText(body["owner"], "owner") { task.owner = owner }
            if let patch = body["definition"] {
                task.definition = try await validate(kind: task.kind, EditRequest.mergePatch(task.definition, patch))
            }
            guard task != before else { return try await unchanged(task.id, request: request) }
            return try await publish(TaskEvent(type: TaskEvent.changed, task: task), request: request)
        }
        router.post("/tasks/:task/pause") { request, context in
            try await setState(.paused, type: TaskEvent.paused, id: try context.parameters.require("task"), request: request)
        }
        router.post("/tasks/:task/resume") { request, context in
            try await setState(.active, type: TaskEvent.resumed, id: try context.parameters.require("task"), request: request)
        }
        router.delete("/tasks/:task") { request, context in
            let editor = try EditRequest.editor(request)
            var task = try await current(try context.parameters.require("task"), request: request, editor: editor)
            task.state = .deleted
            return try await publish(TaskEvent(type: TaskEvent.deleted, task: task), request: request)
        }
    }

    /// Pauses or resumes; a task already in that state is answered as it is, without an event.
    private func setState(_ state: PlatformTask.State, type: String, id: String, request: Request) async throws -> Response {
        var task = try await current(id, request: request, editor: try EditRequest.editor(request))
        guard task.state != state else { return try await unchanged(task.id, request: request) }
        task.state = state
        return try await publish(TaskEvent(type: type, task: task), request: request)
    }

    /// The task as stored, with `editor` as the editor of the change to come; 404 for an unknown
    /// or deleted task, 412 when `If-Match` names another version.
    private func current(_ id: String, request: Request, editor: String) async throws -> PlatformTask {
        let stored = try await TaskRoutes.task(id, reads: reads)
        guard stored.state != PlatformTask.State.deleted.rawValue else { throw Problem.notFound("task \(id) was deleted; its history stays") }
        _ = try EditRequest.checkIfMatch(request, version: stored.version, what: "task \(id)")
        return PlatformTask(
            id: stored.id, kind: TaskKind(stored.kind), name: stored.name, definition: stored.definition,
            state: PlatformTask.State(rawValue: stored.state) ?? .active, owner: stored.owner, editor: editor)
    }

    /// A change that changes nothing makes no event: the task as it stands.
    private func unchanged(_ id: String, request: Request) async throws -> Response {
        let stored = try await TaskRoutes.task(id, reads: reads)
        return TaskDocument.response(TaskDocument.task(stored, base: request.baseURL), version: stored.version)
    }

    private func validate(kind: TaskKind, _ definition: JSONValue?) async throws -> JSONValue {
        guard let validator = validators[kind] else {
            throw Problem.badRequest(
                "unknown task kind \(kind); this platform runs \(validators.keys.map(\.rawValue).sorted().joined(separator: ", "))")
        }
        guard let definition, definition.members != nil else { throw Problem.badRequest("definition is required: a JSON object for a \(kind) task") }
        do {
            return try await validator.validate(definition)
        } catch {
            throw Problem(.unprocessableContent, detail: "the \(kind) definition is refused: \(error.message)")
        }
    }

    private func publish(_ event: TaskEvent, request: Request, created: Bool = false) async throws -> Response {
        guard let producer else {
            throw Problem(.serviceUnavailable, detail: "this API process has no Kafka producer; run it with the platform (shikong serve or up)")
        }
        try await producer.send(try event.record())
        logger.info("task change published", metadata: ["task": "\(event.data.id)", "type": "\(event.type)", "editor": "\(event.data.editor)"])
        let location = request.url("/tasks/\(event.data.id)")
        guard let task = try await reads.waitForChange(event.id, of: event.data.id, timeout: EditRequest.wait(request, standard: .seconds(5))) else {
            return TaskDocument.response(
                .object([
                    ("event_id", .string(event.id.uuidString.lowercased())), ("type", .string(event.type)), ("task", .string(event.data.id)),
                    ("href", .string(location)),
                ]), status: .accepted, location: location)
        }
        return TaskDocument.response(
            TaskDocument.task(task, base: request.baseURL), status: created ? .created : .ok, version: task.version, location: location)
    }

    private static func optionalText(_ value: JSONValue?, _ name: String) throws -> String? {
        guard let value, !value.isNull else { return nil }
        guard let text = value.string?.trimmingCharacters(in: .whitespaces), !text.isEmpty else {
            throw Problem.badRequest("\(name) must be a non-empty string")
        }
        return text
    }

    /// An id for a task added without one: its kind and a short random suffix.
    static func newID(kind: TaskKind) -> String {
        "\(kind.rawValue)-\(UUID().uuidString.lowercased().suffix(12))"
    }
}

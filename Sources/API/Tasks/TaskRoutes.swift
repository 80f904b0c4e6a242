import Foundation
import GeoVocabulary
import Hummingbird
import JSON
import Logging
import ReadModel

/// Reading tasks: `GET /tasks[?kind=&state=&limit=&offset=]`, `GET /tasks/{id}` (with its ETag),
/// `GET /tasks/{id}/history` (every change: type, editor, time, the task after it) and
/// `GET /tasks/{id}/status` (live figures from every process running it, and its dead letters).
struct TaskRoutes: Sendable {
    let reads: TaskReads

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/tasks") { request, _ in
            let parameters = request.uri.queryParameters
            let state = parameters.get("state")
            if let state, !["active", "paused", "deleted"].contains(state) {
                throw Problem.badRequest("state is active, paused or deleted, not \(state)")
            }
            let limit = try IntegerParameter.parse(parameters.get("limit"), name: "limit", default: 100, range: 1...1_000)
            let offset = try IntegerParameter.offset(parameters.get("offset"))
            let tasks = try await reads.list(kind: parameters.get("kind"), state: state, limit: limit, offset: offset)
            let base = request.baseURL
            return TaskDocument.response(
                .object([
                    ("numberReturned", .number(Double(tasks.count))), ("tasks", .array(tasks.map { TaskDocument.task($0, base: base) })),
                    ("links", .array([TaskDocument.link(request.url("/tasks"), "self")])),
                ]))
        }
        router.get("/tasks/:task") { request, context in
            let task = try await Self.task(try context.parameters.require("task"), reads: reads)
            return TaskDocument.response(TaskDocument.task(task, base: request.baseURL), version: task.version)
        }
        router.get("/tasks/:task/history") { request, context in
            let task = try await Self.task(try context.parameters.require("task"), reads: reads)
            let changes = try await reads.history(task.id)
            return TaskDocument.response(
                .object([
                    ("task", .string(task.id)), ("numberReturned", .number(Double(changes.count))),
                    ("changes", .array(changes.map(TaskDocument.change))),
                ]))
        }
        router.get("/tasks/:task/status") { request, context in
            let task = try await Self.task(try context.parameters.require("task"), reads: reads)
            return TaskDocument.response(TaskDocument.status(try await reads.status(task.id), task: task))
        }
    }

    static func task(_ id: String, reads: TaskReads) async throws -> TaskReads.StoredTask {
        guard let task = try await reads.task(id) else { throw Problem.notFound("no task \(id); GET /tasks lists them") }
        return task
    }
}

import Events
import Foundation
import GeoVocabulary
import Hummingbird
import Ingest
import Logging
import NIOCore
import ReadModel

/// Bulk import over HTTP: `POST /imports?collection=…&filename=…[&crs=…&id_field=…&valid_from=…&mode=…]`
/// with the file as the request body starts a job (202, `Location: /imports/{id}`); `GET /imports/{id}`
/// shows its counts; `GET /imports` lists recent jobs. Jobs run in this process, in the
/// ``ImportJobQueue`` service; a full queue answers 503 with `Retry-After`.
struct ImportRoutes: Sendable {
    let context: APIContext
    /// Jobs into a collection the caller may not see are left out.
    let registry: CollectionRegistry
    let logger: Logger

    func addRoutes(to router: Router<some RequestContext>) {
        router.post("/imports") { request, _ in
            guard let imports = context.imports else {
                throw Problem(.serviceUnavailable, detail: "this API process runs no import jobs; run it with the platform (shikong serve or up)")
            }
            guard imports.hasRoom else { throw Self.full(imports.capacity) }
            let parameters = request.uri.queryParameters
            guard let collection = parameters.get("collection"), Self.validName(collection) else {
                throw Problem.badRequest("collection is required: 1–63 letters, digits, '_', '-' or '.'")
            }
            guard let filename = parameters.get("filename"), !filename.isEmpty, !filename.contains("/") else {
                throw Problem.badRequest("filename is required (e.g. buildings.gpkg): GDAL needs its extension to recognise the format")
            }
            var plan = EntityImport(file: URL(fileURLWithPath: "/"), collection: collection)
            var uploaded = 0
            // One dataset, one collection: a new edition under another file name is compared with the
            // collection's source; `source` names one of several sources feeding the collection.
            plan.sourceName = parameters.get("source") ?? collection
            plan.crs = parameters.get("crs")
            plan.idField = parameters.get("id_field")
            plan.layer = parameters.get("layer")
            plan.validFromField = parameters.get("valid_from_field")
            if let text = parameters.get("valid_from") {
                guard let date = Timestamp.parse(text) else { throw Problem.badRequest("valid_from must be an RFC 3339 date-time, not \(text)") }
                plan.validFrom = date
            }
            if let text = parameters.get("mode") {
                guard let mode = EntityImport.Mode(rawValue: text) else { throw Problem.badRequest("mode must be full or append, not \(text)") }
                plan.mode = mode
            }
            plan.allowOutsideServiceArea = parameters.get("allow_outside") == "true"
            if let theme = parameters.get("theme") { plan.labels.theme = theme }
            if let domain = parameters.get("domain") { plan.labels.domain = domain }
            plan.labels.industry = parameters.get("industry")

            let job = EventIDGenerator.shared.next()
            let directory = try imports.uploadDirectory(for: job)
            plan.file = directory.appendingPathComponent(filename)
            do {
                let size = try await Self.save(request.body, to: plan.file, limit: context.maximumUploadBytes)
                guard size > 0 else { throw Problem.badRequest("the request body is empty: send the file's bytes") }
                try imports.submit(plan, id: job)
                uploaded = size
            } catch ImportJobQueue.Refusal.full(let capacity) {
                try? FileManager.default.removeItem(at: directory)
                throw Self.full(capacity)
            } catch {
                try? FileManager.default.removeItem(at: directory)
                throw error
            }
            let id = job.uuidString.lowercased()
            var response = try json(
                [
                    "id": id, "status": "accepted", "collection": collection, "file": filename, "source": plan.sourceName, "bytes": uploaded,
                    "links": [["href": "\(request.baseURL)/imports/\(id)", "rel": "status", "type": "application/json"]],
                ], status: .accepted)
            response.headers[.location] = "\(request.baseURL)/imports/\(id)"
            return response
        }
        router.get("/imports/:id") { request, requestContext in
            let text = try requestContext.parameters.require("id")
            guard let id = UUID(uuidString: text) else { throw Problem.notFound("no import job \(text); ids are UUIDs") }
            let jobs = await visible(try await Self.jobs(context, logger: logger, id: id, limit: 1))
            guard let job = jobs.first else {
                throw Problem.notFound("no import job \(text) yet; a job shows here a moment after it starts")
            }
            return try json(job)
        }
        router.get("/imports") { request, _ in
            let limit = try IntegerParameter.parse(request.uri.queryParameters.get("limit"), name: "limit", default: 20, range: 1...500)
            return try json(["jobs": await visible(try await Self.jobs(context, logger: logger, id: nil, limit: limit))])
        }
    }

    /// The answer when the queue holds as many jobs as it takes.
    static func full(_ capacity: Int) -> Problem {
        Problem(
            .serviceUnavailable, detail: "\(capacity) import jobs are running or waiting; send this one again in a minute",
            headers: [.retryAfter: "60"])
    }

    static func validName(_ text: String) -> Bool {
        (1...63).contains(text.count) && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_-.".contains($0)) }
    }

    /// Streams the body to a file, refusing more than `limit` bytes.
    static func save(_ body: RequestBody, to url: URL, limit: Int) async throws -> Int {
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        var size = 0
        for try await buffer in body {
            size += buffer.readableBytes
            guard size <= limit else {
                throw Problem(.contentTooLarge, detail: "the file is larger than the \(limit)-byte upload limit (--max-upload-bytes)")
            }
            handle.write(Data(buffer: buffer))
        }
        return size
    }

    /// The jobs whose collection the current caller may see (a collection not registered yet counts as visible).
    private func visible(_ jobs: [[String: any Sendable]]) async -> [[String: any Sendable]] {
        var shown: [[String: any Sendable]] = []
        for job in jobs {
            guard let name = job["collection"] as? String else { continue }
            if await registry.unscopedCollection(name) != nil, (try? await registry.collection(name)) == nil { continue }
            shown.append(job)
        }
        return shown
    }

    private static func jobs(_ context: APIContext, logger: Logger, id: UUID?, limit: Int) async throws -> [[String: any Sendable]] {
        try await ImportJobReads(client: context.database, logger: logger).jobs(id: id, limit: limit).map { job in
            var described: [String: any Sendable] = [
                "id": job.id.uuidString.lowercased(), "collection": job.collection, "file": job.file, "status": job.status,
                "counts": [
                    "read": job.read, "upserted": job.upserted, "unchanged": job.unchanged, "retired": job.retired, "failed": job.failed,
                ],
                "started_at": Timestamp.format(job.startedAt), "updated_at": Timestamp.format(job.updatedAt),
            ]
            if let total = job.total { described["total"] = total }
            if let message = job.message { described["message"] = message }
            return described
        }
    }
}

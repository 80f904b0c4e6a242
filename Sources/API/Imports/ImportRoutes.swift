import Events
import Foundation
import Hummingbird
import Ingest
import Logging
import NIOCore
import Projections

/// Bulk import over HTTP: `POST /imports?collection=…&filename=…[&crs=…&id_field=…&valid_from=…&mode=…]`
/// with the file as the request body starts a job (202, `Location: /imports/{id}`); `GET /imports/{id}`
/// shows its counts; `GET /imports` lists recent jobs. The job runs in this process.
struct ImportRoutes: Sendable {
    let context: APIContext
    let logger: Logger

    func addRoutes(to router: Router<some RequestContext>) {
        router.post("/imports") { request, _ in
            guard let producer = context.producer else {
                throw Problem(.serviceUnavailable, detail: "this API process has no Kafka producer; run it with the platform (shikong serve or up)")
            }
            let parameters = request.uri.queryParameters
            guard let collection = parameters.get("collection"), Self.validName(collection) else {
                throw Problem.badRequest("collection is required: 1–63 letters, digits, '_', '-' or '.'")
            }
            guard let filename = parameters.get("filename"), !filename.isEmpty, !filename.contains("/") else {
                throw Problem.badRequest("filename is required (e.g. buildings.gpkg): GDAL needs its extension to recognise the format")
            }
            var plan = EntityImport(file: URL(fileURLWithPath: "/"), collection: collection)
            plan.sourceName = parameters.get("source") ?? filename
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

            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("shikong-import-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            plan.file = directory.appendingPathComponent(filename)
            let size = try await Self.save(request.body, to: plan.file, limit: context.maximumUploadBytes)
            guard size > 0 else {
                try? FileManager.default.removeItem(at: directory)
                throw Problem.badRequest("the request body is empty: send the file's bytes")
            }
            let job = EventIDGenerator.shared.next()
            let importer = EntityImporter(
                producer: producer, baseline: context.importBaseline, serviceArea: context.serviceArea, logger: logger)
            Task { [plan, logger] in
                defer { try? FileManager.default.removeItem(at: directory) }
                do {
                    let report = try await importer.run(plan, job: job)
                    logger.info("import finished", metadata: ["job": "\(job)", "counts": "\(report.counts)"])
                } catch {
                    logger.error("import failed", metadata: ["job": "\(job)", "error": "\(error)"])
                }
            }
            let id = job.uuidString.lowercased()
            var response = try json(
                [
                    "id": id, "status": "accepted", "collection": collection, "file": plan.sourceName, "bytes": size,
                    "links": [["href": "\(request.baseURL)/imports/\(id)", "rel": "status", "type": "application/json"]],
                ], status: .accepted)
            response.headers[.location] = "\(request.baseURL)/imports/\(id)"
            return response
        }
        router.get("/imports/:id") { request, requestContext in
            let text = try requestContext.parameters.require("id")
            guard let id = UUID(uuidString: text) else { throw Problem.notFound("no import job \(text); ids are UUIDs") }
            let jobs = try await Self.jobs(context, logger: logger, id: id, limit: 1)
            guard let job = jobs.first else {
                throw Problem.notFound("no import job \(text) yet; a job shows here a moment after it starts")
            }
            return try json(job)
        }
        router.get("/imports") { request, _ in
            let limit = try integer(request.uri.queryParameters.get("limit"), name: "limit", default: 20, range: 1...500)
            return try json(["jobs": try await Self.jobs(context, logger: logger, id: nil, limit: limit)])
        }
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

    private static func jobs(_ context: APIContext, logger: Logger, id: UUID?, limit: Int) async throws -> [[String: any Sendable]] {
        let rows = try await context.database.rows(
            """
            SELECT id, collection, file, status, total, read, upserted, unchanged, retired, failed, message, started_at, updated_at
            FROM import_jobs WHERE (\(id)::uuid IS NULL OR id = \(id)) ORDER BY started_at DESC LIMIT \(limit)
            """, logger: logger)
        return try rows.map { row in
            let (id, collection, file, status, total, read, upserted, unchanged, retired, failed, message, started, updated) = try row.decode(
                (UUID, String, String, String, Int?, Int, Int, Int, Int, Int, String?, Date, Date).self)
            var job: [String: any Sendable] = [
                "id": id.uuidString.lowercased(), "collection": collection, "file": file, "status": status,
                "counts": ["read": read, "upserted": upserted, "unchanged": unchanged, "retired": retired, "failed": failed],
                "started_at": Timestamp.format(started), "updated_at": Timestamp.format(updated),
            ]
            if let total { job["total"] = total }
            if let message { job["message"] = message }
            return job
        }
    }
}

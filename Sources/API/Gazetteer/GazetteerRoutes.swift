import Foundation
import Gazetteer
import Geodesy
import Hummingbird

/// The gazetteer service (R-ENG-2): `GET /geocode`, `GET /reverse`, and batch jobs under
/// `/geocode/batch`. Every failure is an RFC 9457 problem; a geocode that cannot place its address
/// is a 422 whose `type` names the reason (`…/geocode/no_place_found`, `…/outside_region`, …).
public struct GazetteerRoutes: Sendable {
    let engine: GazetteerEngine
    let jobs: GeocodeJobs
    let transformer = CoordinateTransformer()

    /// Largest batch upload accepted.
    public static let maximumUpload = 64 * 1024 * 1024

    public init(engine: GazetteerEngine, writers: GeocodeResultWriters = .standard) {
        self.engine = engine
        self.jobs = GeocodeJobs(writers: writers)
    }

    public func addRoutes(to router: Router<some RequestContext>) {
        router.get("/geocode") { request, _ in
            let parameters = request.uri.queryParameters
            guard let query = parameters.get("q"), !query.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw Problem.badRequest("q is required: the address to geocode, e.g. /geocode?q=武汉市洪山区珞喻路1037号")
            }
            let result = engine.current.geocode(query, options: try Self.options(parameters))
            if let failure = result.failure {
                throw Problem(.unprocessableContent, detail: "\(query): \(failure.description)", type: Self.problemType(failure.code))
            }
            return try Self.json(result)
        }
        router.get("/reverse") { request, _ in
            let parameters = request.uri.queryParameters
            guard let lonText = parameters.get("lon"), let latText = parameters.get("lat"), let lon = Double(lonText), let lat = Double(latText),
                lon.isFinite, lat.isFinite
            else {
                throw Problem.badRequest("lon and lat are required numbers, e.g. /reverse?lon=114.414&lat=30.513[&crs=GCJ-02]")
            }
            let crsText = parameters.get("crs") ?? "EPSG:4490"
            guard let crs = CoordinateReferenceSystem(parsing: crsText) else {
                throw Problem.badRequest("crs \(crsText) is not known: use EPSG:<code>, GCJ-02 or BD-09")
            }
            let day = try Self.day(parameters)
            let gazetteer = engine.current
            let result: ReverseResult
            do {
                result = try gazetteer.reverse(x: lon, y: lat, crs: crs, transformer: transformer, on: day)
            } catch {
                throw Problem.badRequest("\(error)")
            }
            if let failure = result.failure {
                throw Problem(.notFound, detail: "(\(lonText), \(latText)) in \(crs): \(failure)", type: Self.problemType("outside_boundaries"))
            }
            return try Self.json(result)
        }
        router.post("/geocode/batch") { request, context in
            let parameters = request.uri.queryParameters
            guard let column = parameters.get("column"), !column.isEmpty else {
                throw Problem.badRequest("column is required: the name of the address column of the uploaded table")
            }
            let format = try Self.inputFormat(parameters.get("format"), contentType: request.headers[.contentType])
            let options = try Self.options(parameters)
            var request = request
            let body: ByteBuffer
            do {
                body = try await request.collectBody(upTo: Self.maximumUpload)
            } catch {
                throw Problem(.contentTooLarge, detail: "uploads are limited to \(Self.maximumUpload / 1_048_576) MiB")
            }
            let table: GeocodeTable
            let addresses: [String]
            do {
                table = try GeocodeTable.parse(Data(buffer: body), format: format)
                addresses = try table.values(of: column)
            } catch {
                throw Problem(.unprocessableContent, detail: "\(error)")
            }
            let job = jobs.start(table: table, addresses: addresses, gazetteer: engine.current, options: options)
            var response = try Self.json(jobs.describe(job, base: request.baseURL), status: .accepted)
            response.headers[.location] = "\(request.baseURL)/geocode/batch/\(job)"
            return response
        }
        router.get("/geocode/batch/:job") { request, context in
            let id = try context.parameters.require("job")
            guard let description = jobs.describe(id, base: request.baseURL) else { throw Problem.notFound("no geocoding job \(id)") }
            return try Self.json(description)
        }
        router.get("/geocode/batch/:job/results") { request, context in
            let id = try context.parameters.require("job")
            let format = request.uri.queryParameters.get("f") ?? "csv"
            switch jobs.results(id, format: format) {
            case .unknownJob: throw Problem.notFound("no geocoding job \(id)")
            case .unknownFormat(let known):
                throw Problem.badRequest("f=\(format) is not an output format; use one of \(known.joined(separator: ", "))")
            case .notFinished(let done, let total):
                throw Problem(.conflict, detail: "job \(id) is still running (\(done) of \(total) done); poll /geocode/batch/\(id)")
            case .ready(let data, let contentType, let fileExtension):
                return Response(
                    status: .ok,
                    headers: [.contentType: contentType, .contentDisposition: "attachment; filename=\"geocoded-\(id).\(fileExtension)\""],
                    body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
            }
        }
    }

    static func options(_ parameters: Parameters) throws -> GeocodeOptions {
        var options = GeocodeOptions()
        options.asOf = try day(parameters)
        if let region = parameters.get("region") {
            options.region = region.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        if let text = parameters.get("min_score") {
            guard let value = Double(text), (0...1).contains(value) else { throw Problem.badRequest("min_score must be a number from 0 to 1") }
            options.minimumScore = value
        }
        return options
    }

    static func day(_ parameters: Parameters) throws -> GazetteerDate? {
        guard let text = parameters.get("as_of") else { return nil }
        guard let day = GazetteerDate(parsing: text) else {
            throw Problem.badRequest("as_of must be a date (YYYY-MM-DD) or an RFC 3339 instant, not \(text)")
        }
        return day
    }

    static func inputFormat(_ explicit: String?, contentType: String?) throws -> GeocodeTable.Format {
        if let explicit {
            switch explicit.lowercased() {
            case "csv": return .csv
            case "jsonl", "ndjson", "jsonlines": return .jsonLines
            default: throw Problem.badRequest("format must be csv or jsonl, not \(explicit)")
            }
        }
        let type = contentType?.lowercased() ?? ""
        return type.contains("json") ? .jsonLines : .csv
    }

    static func problemType(_ code: String) -> String { "https://shikong.invalid/problems/geocode/\(code)" }

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Response(
            status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }
}

import Events
import Foundation
import GeoVocabulary
import Hummingbird
import JSON
import ReadModel

/// Reading the sensor registry: `GET /things`, `GET /things/{id}`, `GET /datastreams[?thing=]`,
/// `GET /datastreams/{id}`.
struct RegistryRoutes: Sendable {
    let reads: RegistryReads

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/things") { request, _ in
            let (limit, offset) = try Self.page(request)
            let things = try await reads.things(limit: limit, offset: offset)
            return TaskDocument.response(
                .object([
                    ("numberReturned", .number(Double(things.count))),
                    ("things", .array(things.map { RegistryDocument.thing($0, base: request.baseURL) })),
                ]))
        }
        router.get("/things/:thing") { request, context in
            let id = try context.parameters.require("thing")
            guard let (thing, deleted) = try await reads.thing(id), !deleted else { throw Problem.notFound("no thing \(id); GET /things lists them") }
            return TaskDocument.response(RegistryDocument.thing(thing, base: request.baseURL))
        }
        router.get("/datastreams") { request, _ in
            let (limit, offset) = try Self.page(request)
            let streams = try await reads.datastreams(thing: request.uri.queryParameters.get("thing"), limit: limit, offset: offset)
            return TaskDocument.response(
                .object([
                    ("numberReturned", .number(Double(streams.count))),
                    ("datastreams", .array(streams.map { RegistryDocument.datastream($0, base: request.baseURL) })),
                ]))
        }
        router.get("/datastreams/:datastream") { request, context in
            let id = try context.parameters.require("datastream")
            guard let (stream, deleted) = try await reads.datastream(id), !deleted else {
                throw Problem.notFound("no datastream \(id); GET /datastreams lists them")
            }
            return TaskDocument.response(RegistryDocument.datastream(stream, base: request.baseURL))
        }
    }

    static func page(_ request: Request) throws -> (limit: Int, offset: Int) {
        let parameters = request.uri.queryParameters
        return (
            try IntegerParameter.parse(parameters.get("limit"), name: "limit", default: 100, range: 1...10_000),
            try IntegerParameter.offset(parameters.get("offset"))
        )
    }
}

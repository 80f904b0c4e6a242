import Events
import Foundation
import Gazetteer
import GeoVocabulary
import Hummingbird
import Kafka
import Logging
import Projections
import ReadModel

/// Operator edits of the gazetteer, published as events on `gazetteer.changes` (every engine follows
/// the topic, so an edit applies everywhere within about a second, without a restart):
/// `POST /gazetteer/aliases` adds (or replaces) an address or element alias, `DELETE
/// /gazetteer/aliases?kind=&alias=[&scope=]` removes one, `POST /gazetteer/divisions/{code}/rename`
/// renames a division from a day on (the old name stays valid before it, for `as_of` geocoding).
/// `GET /gazetteer/changes` lists the edits made, newest first.
struct GazetteerEditRoutes: Sendable {
    let context: APIContext
    let engine: GazetteerEngine
    let logger: Logger

    func addRoutes(to router: Router<some RequestContext>) {
        router.post("/gazetteer/aliases") { request, _ in
            let body = try await Self.object(request)
            let kind = try Self.kind(body["kind"] as? String ?? "address")
            guard let text = (body["alias"] as? String)?.trimmingCharacters(in: .whitespaces), !text.isEmpty else {
                throw Problem.badRequest(
                    #"alias is required: {"kind": "address", "alias": "武大", "target": "point:whu" | "division:420106" | "<address>", "scope": "420100"}"#
                )
            }
            guard let targetText = (body["target"] as? String)?.trimmingCharacters(in: .whitespaces), !targetText.isEmpty else {
                throw Problem.badRequest("target is required: point:<address point id>, division:<code>, or a standard address")
            }
            let scope = try Self.scope(body["scope"] as? String)
            let gazetteer = engine.current
            let target: Alias.Target
            if targetText.hasPrefix("point:") {
                let id = String(targetText.dropFirst(6))
                guard gazetteer.addressPoints.contains(where: { $0.id == id }) else {
                    throw Problem(.unprocessableContent, detail: "no address point \(id) in the gazetteer")
                }
                target = .addressPoint(id: id)
            } else if targetText.hasPrefix("division:") {
                let code = String(targetText.dropFirst(9))
                guard gazetteer.division(code: code) != nil else {
                    throw Problem(.unprocessableContent, detail: "no division \(code) in the gazetteer")
                }
                target = .division(code: code)
            } else {
                guard gazetteer.geocode(targetText).isSuccess else {
                    throw Problem(.unprocessableContent, detail: "the target address \(targetText) does not geocode; fix it or point at a division")
                }
                target = .address(targetText)
            }
            let change = GazetteerChange.aliasAdded(Alias(kind: kind, text: text, target: target, scopeCode: scope))
            return try await publish(change, request: request)
        }
        router.delete("/gazetteer/aliases") { request, _ in
            let parameters = request.uri.queryParameters
            let kind = try Self.kind(parameters.get("kind") ?? "address")
            guard let text = parameters.get("alias"), !text.isEmpty else {
                throw Problem.badRequest("alias is required: DELETE /gazetteer/aliases?kind=address&alias=武大[&scope=420100]")
            }
            let scope = try Self.scope(parameters.get("scope"))
            guard engine.current.aliases.values.contains(where: { $0.kind == kind && $0.text == text && $0.scopeCode == scope }) else {
                throw Problem.notFound("no \(kind.rawValue) alias \(text) in scope \(scope ?? "*")")
            }
            return try await publish(.aliasRemoved(kind: kind, text: text, scopeCode: scope), request: request)
        }
        router.post("/gazetteer/divisions/:code/rename") { request, requestContext in
            let code = try requestContext.parameters.require("code")
            guard engine.current.division(code: code) != nil else { throw Problem.notFound("no division \(code) in the gazetteer") }
            let body = try await Self.object(request)
            guard let name = (body["name"] as? String)?.trimmingCharacters(in: .whitespaces), !name.isEmpty else {
                throw Problem.badRequest(#"name is required: {"name": "襄阳市", "short_name": "襄阳", "on": "2010-12-09"}"#)
            }
            guard let onText = body["on"] as? String, let day = GazetteerDate(parsing: onText) else {
                throw Problem.badRequest("on is required: the day (YYYY-MM-DD) the new name takes effect")
            }
            let short = (body["short_name"] as? String).flatMap { $0.isEmpty ? nil : $0 }
            return try await publish(
                .divisionRenamed(code: code, name: DivisionName(name: name, shortName: short, validity: Validity(from: day)), on: day),
                request: request)
        }
        router.get("/gazetteer/changes") { request, _ in
            let parameters = request.uri.queryParameters
            let limit = try IntegerParameter.parse(parameters.get("limit"), name: "limit", default: 50, range: 1...1_000)
            let items = try await GazetteerChangeReads(client: context.database, logger: logger).latest(limit: limit)
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: ResponseBody(
                    byteBuffer: ByteBuffer(string: #"{"numberReturned":\#(items.count),"changes":[\#(items.joined(separator: ","))]}"#)))
        }
    }

    /// Publishes one change; answers 202 with its event id and where it landed.
    private func publish(_ change: GazetteerChange, request: Request) async throws -> Response {
        guard let producer = context.producer else {
            throw Problem(.serviceUnavailable, detail: "this API process has no Kafka producer; run it with the platform (shikong serve or up)")
        }
        let id = EventIDGenerator.shared.next(at: Date())
        let delivery = try await producer.send(try GazetteerChangeRecord.record(change, id: id, source: "api://gazetteer"))
        logger.info("gazetteer change published", metadata: ["type": "\(change.eventType)", "subject": "\(change.subject)"])
        return try json(
            [
                "id": id.uuidString.lowercased(), "type": change.eventType, "subject": change.subject, "topic": delivery.topic,
                "partition": Int(delivery.partition), "offset": delivery.offset,
            ], status: .accepted)
    }

    private static func object(_ request: Request) async throws -> [String: Any] {
        let body = try await request.body.collect(upTo: 1_048_576)
        guard let object = (try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [String: Any] else {
            throw Problem.badRequest("the body must be a JSON object")
        }
        return object
    }

    private static func kind(_ text: String) throws -> Alias.Kind {
        guard let kind = Alias.Kind(rawValue: text) else { throw Problem.badRequest("kind must be address or element, not \(text)") }
        return kind
    }

    private static func scope(_ text: String?) throws -> String? {
        guard let text, !text.isEmpty else { return nil }
        guard text.allSatisfy(\.isNumber) else { throw Problem.badRequest("scope must be a division code, not \(text)") }
        return text
    }
}

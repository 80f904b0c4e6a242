import CQL2
import Events
import Foundation
import Hummingbird
import Kafka
import Logging
import ReadModel

/// Every write of the live layer, in one route collection so that access control can wrap them at
/// once (`addRoutes(to: router.group().add(middleware: …))`): aggregation definitions, drawn
/// geofences and alert rules created, replaced and deleted, and alerts acknowledged. Each write is
/// an event on its topic; the answer is `202` with the event id, and the change shows in the
/// listings once projected (usually within a second) and in the processors at once.
struct LiveCommandRoutes: Sendable {
    let context: APIContext
    let reads: LiveDefinitionReads
    let registry: CollectionRegistry
    let maximumBody: Int
    let logger: Logger

    func addRoutes<Routes: RouterMethods>(to router: Routes) {
        router.post("/aggregations") { request, _ in
            let definition: AggregationDefinition = try await decode(request, id: nil)
            try await checkRegions(definition)
            return try await create(definition, request: request, path: "/aggregations")
        }
        router.put("/aggregations/:id") { request, context in
            let definition: AggregationDefinition = try await decode(request, id: try context.parameters.require("id"))
            try await checkRegions(definition)
            return try await publish(DefinitionChange.defined(definition, source: "api://aggregations"), request: request, path: "/aggregations")
        }
        router.delete("/aggregations/:id") { request, context in
            try await delete(AggregationDefinition.self, id: try context.parameters.require("id"), request: request, path: "/aggregations")
        }
        router.post("/geofences") { request, _ in
            let definition: GeofenceDefinition = try await decode(request, id: nil)
            return try await create(definition, request: request, path: "/geofences")
        }
        router.put("/geofences/:id") { request, context in
            let definition: GeofenceDefinition = try await decode(request, id: try context.parameters.require("id"))
            return try await publish(DefinitionChange.defined(definition, source: "api://geofences"), request: request, path: "/geofences")
        }
        router.delete("/geofences/:id") { request, context in
            try await delete(GeofenceDefinition.self, id: try context.parameters.require("id"), request: request, path: "/geofences")
        }
        router.post("/alert-rules") { request, _ in
            let rule: AlertRule = try await decode(request, id: nil)
            try checkConditions(rule)
            return try await create(rule, request: request, path: "/alert-rules")
        }
        router.put("/alert-rules/:id") { request, context in
            let rule: AlertRule = try await decode(request, id: try context.parameters.require("id"))
            try checkConditions(rule)
            return try await publish(DefinitionChange.defined(rule, source: "api://alert-rules"), request: request, path: "/alert-rules")
        }
        router.delete("/alert-rules/:id") { request, context in
            try await delete(AlertRule.self, id: try context.parameters.require("id"), request: request, path: "/alert-rules")
        }
        router.post("/alerts/:id/acknowledge") { request, context in
            let text = try context.parameters.require("id")
            guard let id = UUID(uuidString: text) else { throw Problem.notFound("no alert \(text); alert ids are UUIDs") }
            guard let alert = try await reads.alert(id) else { throw Problem.notFound("no alert \(text); GET /collections/alerts/items lists them") }
            if alert.acknowledged { throw Problem(.conflict, detail: "alert \(text) is acknowledged already") }
            let body = try await request.body.collect(upTo: maximumBody)
            var by: String?
            var note: String?
            if body.readableBytes > 0 {
                guard let object = (try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [String: Any] else {
                    throw Problem.badRequest(#"the body, when there is one, is a JSON object: {"by": "operator name", "note": "…"}"#)
                }
                by = object["by"] as? String
                note = object["note"] as? String
            }
            let now = Date()
            let event = AlertEvent(
                id: EventIDGenerator.shared.next(at: now), type: AlertEvent.acknowledged, source: "api://alerts", occurredAt: now, recordedAt: now,
                geometry: nil,
                data: Alert(
                    alertID: id, rule: alert.rule, kind: alert.kind, subject: alert.subject, fence: alert.fence, severity: alert.severity,
                    status: alert.status == "cleared" ? "cleared" : "acknowledged", message: alert.message, evidence: .object([]), by: by ?? "api",
                    note: note))
            try await send(try event.record())
            logger.info("alert acknowledged", metadata: ["alert": "\(text)", "by": "\(by ?? "api")"])
            return try json(
                [
                    "event_id": event.id.uuidString.lowercased(), "type": event.type, "alert": text,
                    "href": request.url("/collections/alerts/items/\(text)"),
                ],
                status: .accepted)
        }
    }

    private func decode<Definition: LiveDefinition>(_ request: Request, id: String?) async throws -> Definition {
        let body = try await request.body.collect(upTo: maximumBody)
        do {
            return try DefinitionDecoding.decode(Data(buffer: body), id: id)
        } catch {
            throw Problem.badRequest(error.reason)
        }
    }

    /// `POST`: the id must be new.
    private func create<Definition: LiveDefinition>(_ definition: Definition, request: Request, path: String) async throws -> Response {
        if try await reads.definition(kind: Definition.kind.rawValue, id: definition.id) != nil {
            throw Problem(.conflict, detail: "\(Definition.kind.rawValue) \(definition.id) exists; replace it with PUT \(path)/\(definition.id)")
        }
        return try await publish(DefinitionChange.defined(definition, source: "api:/\(path)"), request: request, path: path)
    }

    private func delete<Definition: LiveDefinition>(_ type: Definition.Type, id: String, request: Request, path: String) async throws -> Response {
        guard try await reads.definition(kind: Definition.kind.rawValue, id: id) != nil else {
            throw Problem.notFound("no \(Definition.kind.rawValue) \(id); GET \(path) lists them")
        }
        return try await publish(DefinitionChange<Definition>.deleted(id, source: "api:/\(path)"), request: request, path: path)
    }

    private func publish<Definition: LiveDefinition>(_ change: DefinitionChange<Definition>, request: Request, path: String) async throws -> Response
    {
        try await send(try change.record())
        logger.info("definition published", metadata: ["type": "\(change.type)", "id": "\(change.definitionID)"])
        let location = request.url("\(path)/\(change.definitionID)")
        var response = try json(
            ["event_id": change.id.uuidString.lowercased(), "type": change.type, "id": change.definitionID, "href": location], status: .accepted)
        response.headers[.location] = location
        return response
    }

    private func send(_ record: OutgoingRecord) async throws {
        guard let producer = context.producer else {
            throw Problem(.serviceUnavailable, detail: "this API process has no Kafka producer; run it with the platform (shikong serve or up)")
        }
        _ = try await producer.send(record)
    }

    /// A region collection must be one of polygons the catalogue knows.
    private func checkRegions(_ definition: AggregationDefinition) async throws {
        guard definition.groupBy.contains(.region), let regions = definition.regions, regions != "gazetteer" else { return }
        guard await registry.contains(regions) else {
            throw Problem.badRequest("regions \(regions) is not a collection; GET /collections lists them (or use gazetteer)")
        }
        let collection = try await registry.collection(regions)
        guard collection.source.capabilities.regions else {
            throw Problem.badRequest("regions must be an entity collection of polygons, not \(regions) (a \(collection.kind) collection)")
        }
    }

    /// A threshold rule's condition and clear condition must parse as CQL2 text and type-check as
    /// the alerting processor will compile them, so a rule that could never apply is a 400, not a
    /// log line in the processor.
    func checkConditions(_ rule: AlertRule) throws {
        for (name, text) in [("condition", rule.condition), ("clear", rule.clear)] {
            guard let text else { continue }
            do {
                if let check = context.checkCondition {
                    try check(text, rule.source ?? .readings)
                } else {
                    _ = try CQL2.parse(text)
                }
            } catch let error as CQL2Error {
                throw Problem.badRequest("\(name): \(error.message)")
            } catch {
                throw Problem.badRequest("\(name): \(error)")
            }
        }
    }
}

import Events
import Foundation
import GeoVocabulary
import Hummingbird
import Logging
import ReadModel

/// The live layer's definitions as they stand: `GET /aggregations`, `/geofences`, `/alert-rules`
/// and one of each by id (webhook secrets of rules are not shown). Alerts themselves are the
/// `alerts` collection (`/collections/alerts/items`); windows are the `aggregates` collection.
struct LiveDefinitionRoutes: Sendable {
    let reads: LiveDefinitionReads

    func addRoutes<Routes: RouterMethods>(to router: Routes) {
        router.get("/aggregations") { request, _ in
            try await list(AggregationDefinition.self, request: request, path: "/aggregations", name: "aggregations")
        }
        router.get("/aggregations/:id") { request, context in
            try await one(AggregationDefinition.self, id: try context.parameters.require("id"), request: request, path: "/aggregations")
        }
        router.get("/geofences") { request, _ in
            try await list(GeofenceDefinition.self, request: request, path: "/geofences", name: "geofences")
        }
        router.get("/geofences/:id") { request, context in
            try await one(GeofenceDefinition.self, id: try context.parameters.require("id"), request: request, path: "/geofences")
        }
        router.get("/alert-rules") { request, _ in
            try await list(AlertRule.self, request: request, path: "/alert-rules", name: "rules")
        }
        router.get("/alert-rules/:id") { request, context in
            try await one(AlertRule.self, id: try context.parameters.require("id"), request: request, path: "/alert-rules")
        }
    }

    private func list<Definition: LiveDefinition>(_ type: Definition.Type, request: Request, path: String, name: String) async throws -> Response {
        let parameters = request.uri.queryParameters
        let limit = try IntegerParameter.parse(parameters.get("limit"), name: "limit", default: 100, range: 1...1_000)
        let offset = try IntegerParameter.parse(parameters.get("offset"), name: "offset", default: 0, range: 0...1_000_000)
        let stored = try await reads.list(kind: Definition.kind.rawValue, limit: limit, offset: offset)
        let items = try stored.map { try Self.document(Definition.self, $0, request: request, path: path) }
        return text(#"{"numberReturned":\#(items.count),"\#(name)":[\#(items.joined(separator: ","))]}"#, contentType: "application/json")
    }

    private func one<Definition: LiveDefinition>(_ type: Definition.Type, id: String, request: Request, path: String) async throws -> Response {
        guard let stored = try await reads.definition(kind: Definition.kind.rawValue, id: id) else {
            throw Problem.notFound("no \(Definition.kind.rawValue) \(id); GET \(path) lists them")
        }
        return text(try Self.document(Definition.self, stored, request: request, path: path), contentType: "application/json")
    }

    /// The definition (redacted for rules) with when and by which event it was last set.
    static func document<Definition: LiveDefinition>(_ type: Definition.Type, _ stored: LiveDefinitionReads.Stored, request: Request, path: String)
        throws -> String
    {
        var definition = try EventJSON.decoder().decode(Definition.self, from: Data(stored.definition.utf8))
        if let rule = definition as? AlertRule, let redacted = rule.redacted as? Definition { definition = redacted }
        let body = String(decoding: try EventJSON.encoder().encode(definition), as: UTF8.self)
        let meta = String(
            decoding: try JSONSerialization.data(
                withJSONObject: [
                    "event_id": stored.eventID.uuidString.lowercased(), "updated_at": Timestamp.format(stored.updatedAt), "source": stored.source,
                    "href": request.url("\(path)/\(stored.id)"),
                ], options: [.sortedKeys, .withoutEscapingSlashes]), as: UTF8.self)
        // The definition's members, then `_meta`.
        return String(body.dropLast()) + (body == "{}" ? "" : ",") + #""_meta":"# + meta + "}"
    }
}

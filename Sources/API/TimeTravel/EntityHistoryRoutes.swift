import Events
import Foundation
import GeoVocabulary
import Hummingbird
import JSON
import ReadModel

/// `GET /collections/{c}/items/{id}/history`: every version of an entity with its valid and system
/// time; `GET /collections/{c}/diff?from=T1&to=T2[&bbox=…]`: what was added, removed and changed.
struct EntityHistoryRoutes: Sendable {
    let timeTravel: EntityTimeTravel
    /// For the collection's feature classification (the access gate has checked the collection itself).
    let registry: CollectionRegistry

    /// What the caller may not see of `collection`'s features.
    func hidden(_ collection: String) async -> FeatureClassification? {
        await registry.unscopedCollection(collection).flatMap { FeatureClassification.current($0) }
    }

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/collections/:collection/items/:feature/history") { request, requestContext in
            let collection = try requestContext.parameters.require("collection")
            let encodedID = try requestContext.parameters.require("feature")
            let id = encodedID.removingPercentEncoding ?? encodedID
            let raw = request.uri.queryParameters.get("raw") == "true"
            let versions = try await timeTravel.history(collection: collection, entityID: id, raw: raw, hidden: await hidden(collection))
            guard !versions.isEmpty else { throw Problem.notFound("collection \(collection) has no entity \(id) in its history") }
            let features = versions.map { version -> String in
                var properties: [(String, JSONValue)] = [
                    ("version", .number(Double(version.version))), ("event_id", .string(version.eventID.uuidString.lowercased())),
                    ("valid_from", Self.time(version.validFrom)), ("valid_to", Self.time(version.validTo)),
                    ("known_from", Self.time(version.knownFrom)), ("known_to", Self.time(version.knownTo)),
                    ("retired", .bool(version.retired)), ("source", version.source.map(JSONValue.string) ?? .null),
                ]
                properties.append(("attributes", version.properties))
                return
                    #"{"type":"Feature","id":\#(JSONValue.string("\(id)@\(version.version)").text),"geometry":\#(version.geometry ?? "null"),"properties":\#(JSONValue.object(properties).text)}"#
            }
            let body =
                #"{"type":"FeatureCollection","entity_id":\#(JSONValue.string(id).text),"numberReturned":\#(features.count),"features":[\#(features.joined(separator: ","))]}"#
            return Self.geoJSON(body)
        }
        router.get("/collections/:collection/diff") { request, requestContext in
            let collection = try requestContext.parameters.require("collection")
            let parameters = request.uri.queryParameters
            guard let fromText = parameters.get("from"), let from = Timestamp.parse(fromText) else {
                throw Problem.badRequest("from must be an RFC 3339 date-time (the earlier state)")
            }
            guard let toText = parameters.get("to"), let to = Timestamp.parse(toText) else {
                throw Problem.badRequest("to must be an RFC 3339 date-time (the later state)")
            }
            let limit = try IntegerParameter.parse(parameters.get("limit"), name: "limit", default: 1_000, range: 1...10_000)
            let offset = try IntegerParameter.offset(parameters.get("offset"))
            let bbox = try parameters.get("bbox").map { text throws(ParameterError) in try BoundingBox(parsing: text) }
            let diff = try await timeTravel.diff(
                collection: collection, from: from, to: to, bbox: bbox, limit: limit, offset: offset, hidden: await hidden(collection))
            return Self.geoJSON(EntityDiffGeoJSON.render(diff, from: from, to: to, collection: collection))
        }
    }

    static func time(_ date: Date?) -> JSONValue { date.map { .string(Timestamp.format($0)) } ?? .null }

    static func geoJSON(_ body: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/geo+json", .init("Content-Crs")!: "<http://www.opengis.net/def/crs/EPSG/0/4490>"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }
}

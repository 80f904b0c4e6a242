import Events
import Foundation
import Geodesy
import Hummingbird
import Ingest
import JSON
import Kafka
import Logging
import PostgresNIO
import ReadModel

/// OGC API Features Part 4 on entity collections, each edit an entity event with the editor as its
/// source (`Shikong-Editor`), checked by the entity processor exactly as an imported row is:
///
/// - `POST /collections/{c}/items` (a GeoJSON Feature; its `id`, else a new one) → `entity.upserted`, 201 with `Location` and `ETag`;
/// - `PUT /collections/{c}/items/{id}` replaces it, `PATCH` merges (`properties` as a JSON merge
///   patch, `geometry` replaced when given) → `entity.upserted`, 200 with the feature and its `ETag`;
/// - `DELETE /collections/{c}/items/{id}` → `entity.retired`, 204.
///
/// Geometries are in CRS84 unless `Content-Crs` names another CRS of the collection's list; the
/// edit is valid from now unless `valid_from=` says when (a correction of the past). Replacing,
/// patching and deleting need `If-Match` with the feature's ETag (its version): without it 428,
/// with an old one 412 and nothing changes. Edits of one entity are serialised across API
/// processes (an advisory lock held until the projection applied the edit), so two editors cannot
/// both pass the check. The answer comes once the entity projection applied the edit (so history,
/// `as_of` and diffs show it), a 422 if the entity processor refused it, or a 202 with the event id
/// if that takes more than 10 s (or the seconds `Prefer: wait=N` asks for).
///
/// These are write routes: they are registered on their own route group, for access control to wrap.
struct FeatureEditRoutes: Sendable {
    let store: FeatureStore
    let edits: EntityEditReads
    let producer: KafkaProducer?
    let logger: Logger

    static let example =
        #"{"type": "Feature", "id": "b-17", "geometry": {"type": "Point", "coordinates": [114.3, 30.5]}, "properties": {"name": "…"}}"#

    func addRoutes(to router: RouterGroup<some RequestContext>) {
        router.post("/collections/:collection/items") { request, context in
            let collection = try await entityCollection(try context.parameters.require("collection"))
            let editor = try EditRequest.editor(request)
            let body = try await EditRequest.object(request, limit: store.limits.maximumRequestBody, example: Self.example)
            let feature = try FeatureInput(body, crs: try Self.contentCRS(request), complete: true)
            let id = feature.id ?? EventIDGenerator.shared.next().uuidString.lowercased()
            let validFrom = try Self.validFrom(request)
            return try await edits.withLock(collection: collection.id, id: id) { connection in
                if try await edits.current(collection: collection.id, id: id, on: connection) != nil {
                    throw Problem(
                        .conflict,
                        detail: "collection \(collection.id) has a feature \(id); replace it with PUT or change it with PATCH (with If-Match)")
                }
                let event = FeatureEdit.upsert(
                    collection: collection.id, entityID: id, geometry: feature.geometry ?? .null, sourceCRS: feature.crs,
                    properties: feature.properties ?? .object([]), labels: Self.labels(collection), validFrom: validFrom, editor: editor,
                    allowOutsideServiceArea: collection.metadata.allowOutsideServiceArea ?? false)
                return try await apply(event, collection: collection, id: id, connection: connection, request: request, created: true)
            }
        }
        router.put("/collections/:collection/items/:feature") { request, context in
            let collection = try await entityCollection(try context.parameters.require("collection"))
            let id = try context.parameters.require("feature")
            let editor = try EditRequest.editor(request)
            let body = try await EditRequest.object(request, limit: store.limits.maximumRequestBody, example: Self.example)
            let feature = try FeatureInput(body, crs: try Self.contentCRS(request), complete: true)
            if let named = feature.id, named != id { throw Problem.badRequest("the body's id \(named) differs from the feature \(id) in the path") }
            let validFrom = try Self.validFrom(request)
            return try await edits.withLock(collection: collection.id, id: id) { connection in
                let current = try await existing(collection, id: id, request: request, connection: connection)
                let event = FeatureEdit.upsert(
                    collection: collection.id, entityID: id, geometry: feature.geometry ?? .null, sourceCRS: feature.crs,
                    properties: feature.properties ?? .object([]), labels: Self.labels(collection), validFrom: validFrom, editor: editor,
                    allowOutsideServiceArea: collection.metadata.allowOutsideServiceArea ?? false)
                return try await apply(event, unlessSameAs: current, collection: collection, id: id, connection: connection, request: request)
            }
        }
        router.patch("/collections/:collection/items/:feature") { request, context in
            let collection = try await entityCollection(try context.parameters.require("collection"))
            let id = try context.parameters.require("feature")
            let editor = try EditRequest.editor(request)
            let body = try await EditRequest.object(request, limit: store.limits.maximumRequestBody, example: #"{"properties": {"floors": 7}}"#)
            let patch = try FeatureInput(body, crs: try Self.contentCRS(request), complete: false)
            if let named = patch.id, named != id { throw Problem.badRequest("the body's id \(named) differs from the feature \(id) in the path") }
            let validFrom = try Self.validFrom(request)
            return try await edits.withLock(collection: collection.id, id: id) { connection in
                let current = try await existing(collection, id: id, request: request, connection: connection)
                let properties = patch.properties.map { EditRequest.mergePatch(current.properties, $0) } ?? current.properties
                let event = FeatureEdit.upsert(
                    collection: collection.id, entityID: id, geometry: patch.geometry ?? current.geometry ?? .null,
                    sourceCRS: patch.geometry == nil ? "EPSG:4490" : patch.crs, properties: properties, labels: Self.labels(collection),
                    validFrom: validFrom, editor: editor, allowOutsideServiceArea: collection.metadata.allowOutsideServiceArea ?? false)
                return try await apply(event, unlessSameAs: current, collection: collection, id: id, connection: connection, request: request)
            }
        }
        router.delete("/collections/:collection/items/:feature") { request, context in
            let collection = try await entityCollection(try context.parameters.require("collection"))
            let id = try context.parameters.require("feature")
            let editor = try EditRequest.editor(request)
            let validFrom = try Self.validFrom(request)
            return try await edits.withLock(collection: collection.id, id: id) { connection in
                _ = try await existing(collection, id: id, request: request, connection: connection)
                let event = FeatureEdit.retire(
                    collection: collection.id, entityID: id, labels: Self.labels(collection), validFrom: validFrom, editor: editor)
                return try await apply(event, collection: collection, id: id, connection: connection, request: request)
            }
        }
    }

    private func entityCollection(_ id: String) async throws -> ServedCollection {
        let collection = try await store.registry.collection(id)
        guard collection.kind == .entities else {
            throw Problem(
                .methodNotAllowed,
                detail:
                    "collection \(id) holds \(collection.kind) fed by their own pipeline; features are created, replaced and deleted only in entity collections"
            )
        }
        return collection
    }

    /// The current version; 404 when there is none, 428 without `If-Match`, 412 when it names another version.
    private func existing(_ collection: ServedCollection, id: String, request: Request, connection: PostgresConnection) async throws
        -> EntityEditReads.Current
    {
        guard let current = try await edits.current(collection: collection.id, id: id, on: connection) else {
            throw Problem.notFound("collection \(collection.id) has no feature \(id)")
        }
        try EditRequest.requireIfMatch(request, version: current.version, what: "feature \(id) of \(collection.id)")
        return current
    }

    /// Publishes an upsert unless it holds what the current version holds, which stays as it is.
    private func apply(
        _ event: EntityEvent, unlessSameAs current: EntityEditReads.Current, collection: ServedCollection, id: String,
        connection: PostgresConnection, request: Request
    ) async throws -> Response {
        if event.data.contentHash == current.contentHash {
            return try await answer(collection, id: id, version: current.version, request: request)
        }
        return try await apply(event, collection: collection, id: id, connection: connection, request: request)
    }

    /// Publishes the edit and answers once its outcome is known.
    private func apply(
        _ event: EntityEvent, collection: ServedCollection, id: String, connection: PostgresConnection, request: Request, created: Bool = false
    ) async throws -> Response {
        guard let producer else {
            throw Problem(.serviceUnavailable, detail: "this API process has no Kafka producer; run it with the platform (shikong serve or up)")
        }
        try await producer.send(try event.record(topic: Topics.rawEntities))
        logger.info("feature edit published", metadata: ["subject": "\(event.subject)", "type": "\(event.type)", "editor": "\(event.source)"])
        let location = request.url("/collections/\(collection.id)/items/\(APIPath.segment(id))")
        switch try await edits.outcome(
            of: event.id, collection: collection.id, id: id, on: connection, timeout: EditRequest.wait(request, standard: .seconds(10)))
        {
        case .refused(let reason):
            throw Problem(.unprocessableContent, detail: "the edit was refused and nothing changed: \(reason)")
        case .pending:
            return TaskDocument.response(
                .object([
                    ("event_id", .string(event.id.uuidString.lowercased())), ("type", .string(event.type)), ("href", .string(location)),
                ]), status: .accepted, location: location)
        case .applied(let version):
            guard event.type == EntityEvent.upserted, let version else {
                return Response(status: .noContent)
            }
            return try await answer(collection, id: id, version: version, request: request, status: created ? .created : .ok, location: location)
        }
    }

    /// The feature as it stands, with its ETag.
    private func answer(
        _ collection: ServedCollection, id: String, version: Int, request: Request, status: HTTPResponse.Status = .ok, location: String? = nil
    ) async throws -> Response {
        let feature = try await store.feature(collection, id: id, try ItemRequest([], collection: collection, limits: store.limits)) ?? "{}"
        var headers: HTTPFields = [
            .contentType: "application/geo+json", .eTag: EditRequest.entityTag(version), .contentCrs: SupportedCRS.crs84.header,
        ]
        if let location { headers[.location] = location }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: feature)))
    }

    static func labels(_ collection: ServedCollection) -> AttributeLabels {
        let metadata = collection.metadata
        return AttributeLabels(domain: metadata.domain ?? "base", industry: metadata.industry, theme: metadata.theme ?? "entities")
    }

    static func contentCRS(_ request: Request) throws -> SupportedCRS {
        guard let header = request.headers[.contentCrs]?.trimmingCharacters(in: CharacterSet(charactersIn: "<> ")), !header.isEmpty else {
            return .crs84
        }
        do {
            return try SupportedCRS(parsing: header, parameter: "Content-Crs")
        } catch {
            throw Problem.badRequest(error.message)
        }
    }

    static func validFrom(_ request: Request) throws -> Date {
        guard let text = request.uri.queryParameters.get("valid_from") else { return Date() }
        guard let date = Timestamp.parse(text) else { throw Problem.badRequest("valid_from must be an RFC 3339 date-time, not \(text)") }
        return date
    }
}

/// A Feature sent to be created, replaced or patched: its id, geometry taken to EPSG:4490, and properties.
struct FeatureInput {
    var id: String?
    var geometry: JSONValue?
    var properties: JSONValue?
    /// The CRS the geometry came in, as recorded with the version.
    var crs: String

    static let members: Set<String> = ["type", "id", "geometry", "properties", "links", "bbox"]

    /// `complete`: a whole feature (create, replace) needs a geometry; a patch may leave it out.
    init(_ body: JSONValue, crs: SupportedCRS, complete: Bool) throws {
        try EditRequest.refuseUnknown(body, allowed: Self.members)
        if let type = body["type"], type.string != "Feature" { throw Problem.badRequest("the body must be a GeoJSON Feature (type Feature)") }
        switch body["id"] {
        case nil, .null?: id = nil
        case .string(let text)? where !text.isEmpty && text.utf8.count <= 256: id = text
        case .number(let number)? where number == number.rounded() && abs(number) < 1e15: id = JSONValue.format(number)
        default: throw Problem.badRequest("id must be a string (at most 256 bytes) or an integer")
        }
        self.crs = crs == .crs84 ? "OGC:CRS84" : "EPSG:\(crs.srid)"
        switch body["properties"] {
        case nil: properties = complete ? .object([]) : nil
        case .null?: properties = complete ? .object([]) : nil
        case let value? where value.members != nil:
            if let nested = value.members?.first(where: { ($0.value.members != nil || $0.value.array != nil) }) {
                throw Problem.badRequest(
                    "property \(nested.key) is an object or array; properties are strings, numbers, booleans or null, as in imports")
            }
            properties = value
        default: throw Problem.badRequest("properties must be a JSON object")
        }
        guard let value = body["geometry"], !value.isNull else {
            if complete { throw Problem.badRequest("a feature needs a geometry (GeoJSON, in CRS84 unless Content-Crs says otherwise)") }
            geometry = nil
            return
        }
        guard value.members != nil, value["type"]?.string != nil else { throw Problem.badRequest("geometry must be a GeoJSON geometry object") }
        geometry = try Self.toStorage(value, crs: crs)
    }

    /// Coordinates in the CRS's axis order → EPSG:4490 longitude, latitude.
    static func toStorage(_ geometry: JSONValue, crs: SupportedCRS) throws -> JSONValue {
        let transformer = CoordinateTransformer()
        let source = CoordinateReferenceSystem(epsg: Int(crs.srid))
        let needsTransform = crs.srid != 4326 && crs.srid != SupportedCRS.storageSRID
        func map(_ value: JSONValue) throws -> JSONValue {
            switch value {
            case .object(let members):
                return .object(try members.map { ($0.key, $0.key == "coordinates" || $0.key == "geometries" ? try map($0.value) : $0.value) })
            case .array(let items):
                if items.count >= 2, case .number(var x) = items[0], case .number(var y) = items[1] {
                    if crs.swapsAxes { swap(&x, &y) }
                    if needsTransform {
                        do {
                            (x, y) = try transformer.transform(x: x, y: y, from: source, to: .cgcs2000)
                        } catch {
                            throw Problem.badRequest("position (\(x), \(y)) in \(crs.uri): \(error.message)")
                        }
                    }
                    return .array([.number(x), .number(y)] + items.dropFirst(2))
                }
                return .array(try items.map(map))
            default:
                return value
            }
        }
        return try map(geometry)
    }
}

/// Path segments in links.
enum APIPath {
    static func segment(_ text: String) -> String {
        QueryString.percentEncoded(text)
    }
}

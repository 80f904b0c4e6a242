import Events
import Foundation
import Hummingbird
import Kafka
import Logging
import ReadModel

/// The catalogue (R-ENG-1, R-DM-8): `GET /catalog` searches collection metadata in the shape of OGC
/// API Records; `POST /collections` registers a collection and `PATCH`/`PUT /collections/{c}` edit
/// its metadata, each as an event on `catalogue` that the catalogue projection applies (answers
/// 202 with the event id; the change shows in `/collections` once projected, usually within a second).
struct CatalogueRoutes: Sendable {
    let store: FeatureStore
    let producer: KafkaProducer?
    let logger: Logger

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/catalog") { request, _ in
            let search = try CatalogueSearch(QueryString.parameters(request))
            let base = request.baseURL
            var records: [[String: any Sendable]] = []
            var matched = 0
            for collection in await store.registry.all() {
                let extent = store.extents.extent(of: collection)
                guard search.matches(collection, extent: extent) else { continue }
                matched += 1
                if records.count < search.limit { records.append(CatalogueSearch.record(collection, extent: extent, base: base)) }
            }
            return try json(
                [
                    "type": "FeatureCollection", "numberMatched": matched, "numberReturned": records.count, "features": records,
                    "links": [["href": request.url("/catalog"), "rel": "self", "type": "application/geo+json"]],
                ], contentType: "application/geo+json")
        }
        router.post("/collections") { request, context in
            let body = try await request.body.collect(upTo: store.limits.maximumRequestBody)
            var metadata = try MetadataEdit.decode(Data(buffer: body), id: nil)
            metadata.kind = .entities
            if await store.registry.contains(metadata.id) {
                throw Problem(.conflict, detail: "collection \(metadata.id) exists; edit it with PATCH /collections/\(metadata.id)")
            }
            return try await publish(CollectionRegistration.event(metadata, source: "api://collections"), request: request)
        }
        for method in [HTTPRequest.Method.patch, .put] {
            router.on("/collections/:collection", method: method) { request, context in
                let collection = try await store.registry.collection(try context.parameters.require("collection"))
                let body = try await request.body.collect(upTo: store.limits.maximumRequestBody)
                let metadata = try MetadataEdit.decode(Data(buffer: body), id: collection.id)
                if method == .put && metadata.title == nil { throw Problem.badRequest("PUT sets the metadata and needs at least a title") }
                // A built-in collection has no row until its registration is projected: send it first (its
                // content-derived id makes a repeat a no-op), on the same key, so the edit finds the row.
                if collection.registeredAt == nil, let builtIn = CollectionRegistration.builtIn.first(where: { $0.data.id == collection.id }) {
                    try await send(builtIn)
                }
                return try await publish(CollectionRegistration.edit(metadata, source: "api://collections/\(collection.id)"), request: request)
            }
        }
    }

    private func send(_ event: CatalogueEvent) async throws {
        guard let producer else {
            throw Problem(.serviceUnavailable, detail: "this API process has no Kafka producer; run it with the platform (shikong serve or up)")
        }
        try await producer.send(try event.record())
    }

    private func publish(_ event: CatalogueEvent, request: Request) async throws -> Response {
        try await send(event)
        let location = request.url("/collections/\(event.data.id)")
        var response = try json(
            ["event_id": event.id.uuidString.lowercased(), "type": event.type, "collection": event.data.id, "href": location], status: .accepted)
        response.headers[.location] = location
        return response
    }
}

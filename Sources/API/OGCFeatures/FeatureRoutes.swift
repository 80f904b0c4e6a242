import CQL2
import Foundation
import GeoFormats
import Hummingbird
import Logging
import ReadModel

/// OGC API Features Parts 1–3 over every collection of the feature store: `/collections`,
/// `/collections/{c}`, `/collections/{c}/queryables`, `/collections/{c}/items` (GeoJSON pages, or a
/// whole-result file with `f=gpkg|shp|csv|geojson`) and `/collections/{c}/items/{id}` (with the
/// entity's version as its `ETag`, for Part 4 edits).
struct FeatureRoutes: Sendable {
    let store: FeatureStore
    /// The current version of an entity: the `ETag` of a feature of an entity collection (Part 4).
    let edits: EntityEditReads
    let logger: Logger

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/collections") { request, _ in
            _ = try ResponseFormat.negotiate(request, exports: false)
            let collections = await store.registry.all()
            let base = request.baseURL
            return try json([
                "collections": collections.map { CollectionDocument.make($0, extent: store.extents.extent(of: $0), base: base) },
                "links": [
                    ["href": "\(base)/collections", "rel": "self", "type": "application/json", "title": "Collections"],
                    ["href": "\(base)/catalog", "rel": "related", "type": "application/json", "title": "Search the catalogue"],
                ],
                "crs": SupportedCRS.uris,
            ])
        }
        router.get("/collections/:collection") { request, context in
            _ = try ResponseFormat.negotiate(request, exports: false)
            let collection = try await store.registry.collection(try context.parameters.require("collection"))
            return try json(CollectionDocument.make(collection, extent: store.extents.extent(of: collection), base: request.baseURL))
        }
        router.get("/collections/:collection/queryables") { request, context in
            _ = try ResponseFormat.negotiate(request, exports: false)
            let collection = try await store.registry.collection(try context.parameters.require("collection"))
            let url = request.url("/collections/\(collection.id)/queryables")
            return try json(
                collection.queryables.jsonSchema(id: url, title: collection.title, description: "What filter, sortby and property=value may name"),
                contentType: "application/schema+json")
        }
        router.get("/collections/:collection/items") { request, context in
            let collection = try await store.registry.collection(try context.parameters.require("collection"))
            let parameters = QueryString.parameters(request)
            switch try ResponseFormat.negotiate(request, exports: true) {
            case .json:
                let items = try ItemRequest(parameters, collection: collection, limits: store.limits)
                let page = try await store.page(collection, items)
                let body = FeatureCollectionBody.make(page, request: items, url: request.url("/collections/\(collection.id)/items"))
                return text(body, contentType: "application/geo+json", headers: [.contentCrs: items.crs.header])
            case .export(let format):
                let items = try ItemRequest(parameters, collection: collection, limits: store.limits, unlimited: true)
                return try await export(collection, items, format: format, crsRequested: parameters.contains { $0.0 == "crs" })
            }
        }
        router.get("/collections/:collection/items/:feature") { request, context in
            _ = try ResponseFormat.negotiate(request, exports: false)
            let collection = try await store.registry.collection(try context.parameters.require("collection"))
            // Ids with reserved characters (aggregate windows: `agg:sensor=s1:…`) arrive percent-encoded, as the self link writes them.
            let encodedID = try context.parameters.require("feature")
            let id = encodedID.removingPercentEncoding ?? encodedID
            let items = try ItemRequest(QueryString.parameters(request), collection: collection, limits: store.limits)
            guard let feature = try await store.feature(collection, id: id, items) else {
                throw Problem.notFound("collection \(collection.id) has no feature \(id)\(items.asOf == nil ? "" : " at that as_of")")
            }
            let collectionURL = request.url("/collections/\(collection.id)")
            let selfURL = QueryString.url(
                "\(collectionURL)/items/\(QueryString.percentEncoded(id))", items.carried)
            let links =
                #","links":[{"href":\#(Self.quoted(selfURL)),"rel":"self","type":"application/geo+json"},{"href":\#(Self.quoted(collectionURL)),"rel":"collection","type":"application/json"}]}"#
            var headers: HTTPFields = [.contentCrs: items.crs.header]
            if collection.kind == .entities, items.asOf == nil, items.datetime == nil,
                let current = try await edits.current(collection: collection.id, id: id)
            {
                headers[.eTag] = EditRequest.entityTag(current.version)
            }
            return text(String(feature.dropLast()) + links, contentType: "application/geo+json", headers: headers)
        }
    }

    /// The whole result as a file (at most `maximumExportFeatures`), streamed from disk in 1 MiB
    /// chunks and removed once sent (or when the client goes away).
    private func export(_ collection: ServedCollection, _ items: ItemRequest, format: ExportFormat, crsRequested: Bool) async throws -> Response {
        let result = try await CollectionExporter(store: store).export(collection, items, format: format, crsRequested: crsRequested)
        let file = result.file
        let handle: FileHandle
        do {
            handle = try FileHandle(forReadingFrom: file.url)
        } catch {
            try? file.remove()
            throw error
        }
        var headers: HTTPFields = [
            .contentType: file.contentType, .contentDisposition: "attachment; filename=\"\(file.suggestedFileName)\"",
            .contentCrs: crsRequested ? items.crs.header : SupportedCRS.cgcs2000.header,
        ]
        if !result.rejected.isEmpty { headers[HTTPFields.Element.Name("Shikong-Rejected-Features")!] = String(result.rejected.count) }
        let body = ResponseBody(contentLength: file.byteCount) { writer in
            defer {
                try? handle.close()
                try? file.remove()
            }
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                try await writer.write(ByteBuffer(bytes: chunk))
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }

    static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}

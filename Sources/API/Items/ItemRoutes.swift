import Events
import Foundation
import Hummingbird
import Kafka
import ReadModel

/// Crawl items and thematic records placed by the gazetteer (R-SP-3): `POST /items` takes JSON lines
/// (one item each: `id`, `time`, `address` and/or `text`, `source_url` or `task`) onto `raw.items`;
/// `GET /items` lists the located items as GeoJSON (EPSG:4490) with bbox, datetime (the item's time)
/// and `admin_code` (a division code or its prefix, e.g. 420106 or 4201) filters; `GET /items/{id}`
/// shows one. Items that could not be placed are dead letters (`GET /dlq?stage=processors.items`).
struct ItemRoutes: Sendable {
    let context: APIContext
    let store: FeatureStore

    /// Largest item (one line): its dead letter, the bytes in base64 with the envelope, must still
    /// fit in one event of the log (about 1 MB).
    static let maximumItemBytes = 700 * 1_024

    func addRoutes(to router: Router<some RequestContext>) {
        router.post("/items") { request, _ in
            guard let producer = context.producer else {
                throw Problem(.serviceUnavailable, detail: "this API process has no Kafka producer; run it with the platform (shikong serve or up)")
            }
            let body: ByteBuffer
            let limit = context.queryLimits.maximumRequestBody
            do {
                body = try await request.body.collect(upTo: limit)
            } catch {
                throw Problem(.contentTooLarge, detail: "item uploads are limited to \(limit) bytes (--max-request-bytes); send several")
            }
            let lines = RawItems.lines(Data(buffer: body))
            guard !lines.isEmpty else { throw Problem.badRequest("the body must hold JSON lines, one item each") }
            // Refused before any parsing: an item the event log could not carry — nor, with its bytes
            // in base64, the dead-letter topic if the item processor refuses it.
            if let large = lines.first(where: { $0.line.count > Self.maximumItemBytes }) {
                throw Problem(
                    .contentTooLarge,
                    detail: "the item on line \(large.number) is \(large.line.count) bytes; one item may have at most \(Self.maximumItemBytes) bytes")
            }
            let now = Date()
            let records = lines.map { RawItems.record(line: $0.line, lineNumber: $0.number, source: "api://items", receivedAt: now) }
            _ = try await producer.sendAll(records)
            return try json(
                [
                    "accepted": records.count,
                    "events": records.compactMap { record in
                        record.headers.first { $0.key == "ce_id" }.map { String(decoding: $0.value, as: UTF8.self) }
                    },
                    "links": [["href": "\(request.baseURL)/items", "rel": "items", "type": "application/geo+json"]],
                ], status: .accepted)
        }
        router.get("/items") { request, _ in
            let collection = try locatedItems()
            let query = try LocatedItemsRequest(QueryString.parameters(request), collection: collection)
            let items = query.items
            let page = try await store.page(collection, items)
            var links = [#"{"href":"\#(request.baseURL)/items","rel":"self","type":"application/geo+json"}"#]
            if page.hasMore {
                let next = QueryString.url(
                    "\(request.baseURL)/items", [("limit", String(items.limit)), ("offset", String(items.offset + items.limit))] + items.carried)
                links.append(#"{"href":"\#(next)","rel":"next","type":"application/geo+json"}"#)
            }
            return Self.geoJSON(
                #"{"type":"FeatureCollection","numberReturned":\#(page.features.count),"links":[\#(links.joined(separator: ","))],"features":[\#(page.features.joined(separator: ","))]}"#
            )
        }
        router.get("/items/:id") { _, requestContext in
            let id = try requestContext.parameters.require("id")
            if let feature = try await store.feature(try locatedItems(), id: id, ItemRequest(limit: 1)) { return Self.geoJSON(feature) }
            throw Problem.notFound("no located item \(id); items that could not be placed are under /dlq?stage=processors.items")
        }
    }

    private func locatedItems() throws -> ServedCollection {
        guard let collection = store.registry.locatedItems else { throw Problem.notFound("this server does not serve located items") }
        return collection
    }

    private static func geoJSON(_ body: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/geo+json", .init("Content-Crs")!: "<http://www.opengis.net/def/crs/EPSG/0/4490>"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }
}

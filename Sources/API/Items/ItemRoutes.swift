import Events
import Foundation
import Hummingbird
import Kafka
import Logging
import PostgresNIO

/// Crawl items and thematic records placed by the gazetteer (R-SP-3): `POST /items` takes JSON lines
/// (one item each: `id`, `time`, `address` and/or `text`, `source_url` or `task`) onto `raw.items`;
/// `GET /items` lists the located items as GeoJSON (EPSG:4490) with bbox, datetime (the item's time)
/// and `admin_code` (a division code or its prefix, e.g. 420106 or 4201) filters; `GET /items/{id}`
/// shows one. Items that could not be placed are dead letters (`GET /dlq?stage=processors.items`).
struct ItemRoutes: Sendable {
    let context: APIContext
    let logger: Logger

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
            let parameters = request.uri.queryParameters
            let query = try FeatureQuery(parameters)
            let adminCode = parameters.get("admin_code")
            if let adminCode, adminCode.isEmpty || !adminCode.allSatisfy(\.isNumber) {
                throw Problem.badRequest("admin_code must be a division code or a prefix of one (digits), not \(adminCode)")
            }
            let bbox = query.bbox
            let rows = try await context.database.query(
                """
                SELECT \(unescaped: Self.feature) FROM located_items
                WHERE (\(bbox?.west)::float8 IS NULL OR geom && ST_MakeEnvelope(\(bbox?.west), \(bbox?.south), \(bbox?.east), \(bbox?.north), 4490))
                  AND (\(adminCode)::text IS NULL OR admin_code LIKE \(adminCode.map { $0 + "%" }))
                  AND (\(query.start)::timestamptz IS NULL OR occurred_at >= \(query.start))
                  AND (\(query.end)::timestamptz IS NULL OR occurred_at <= \(query.end))
                ORDER BY occurred_at DESC, item_id LIMIT \(query.limit) OFFSET \(query.offset)
                """, logger: logger)
            var features: [String] = []
            for try await feature in rows.decode(String.self) { features.append(feature) }
            var next = query.queryItemsForNext
            if let adminCode { next += "&admin_code=\(adminCode)" }
            var links = [#"{"href":"\#(request.baseURL)/items","rel":"self","type":"application/geo+json"}"#]
            if features.count == query.limit {
                links.append(#"{"href":"\#(request.baseURL)/items?\#(next)","rel":"next","type":"application/geo+json"}"#)
            }
            return Self.geoJSON(
                #"{"type":"FeatureCollection","numberReturned":\#(features.count),"links":[\#(links.joined(separator: ","))],"features":[\#(features.joined(separator: ","))]}"#
            )
        }
        router.get("/items/:id") { _, requestContext in
            let id = try requestContext.parameters.require("id")
            let rows = try await context.database.query("SELECT \(unescaped: Self.feature) FROM located_items WHERE item_id = \(id)", logger: logger)
            for try await feature in rows.decode(String.self) { return Self.geoJSON(feature) }
            throw Problem.notFound("no located item \(id); items that could not be placed are under /dlq?stage=processors.items")
        }
    }

    /// One row as a GeoJSON feature, built by PostGIS.
    private static let feature = """
        json_build_object('type', 'Feature', 'id', item_id, 'geometry', ST_AsGeoJSON(geom, 7, 0)::json,
            'properties', json_build_object('item_id', item_id, 'event_id', event_id, 'source', source, 'occurred_at', occurred_at,
                'recorded_at', recorded_at, 'method', method, 'standard_address', standard_address, 'admin_code', admin_code,
                'admin_codes', admin_codes, 'precision', precision, 'score', score, 'labels', labels, 'data', data))::text
        """

    private static func geoJSON(_ body: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/geo+json", .init("Content-Crs")!: "<http://www.opengis.net/def/crs/EPSG/0/4490>"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }
}

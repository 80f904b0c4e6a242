import Foundation
import Hummingbird
import Logging
import PostgresNIO

/// The two sensor collections, as OGC API Features: `sensors` (latest reading per sensor, id =
/// sensor id) and `readings` (every reading, id = event id). Geometry is EPSG:4490, lon/lat.
struct SensorCollections: Sendable {
    let client: PostgresClient
    let logger: Logger

    static let collections: [(id: String, title: String, description: String)] = [
        ("sensors", "Sensors", "The latest reading of every sensor, in CGCS2000 (EPSG:4490)."),
        ("readings", "Sensor readings", "Every sensor reading, in CGCS2000 (EPSG:4490); filter with sensor_id and datetime."),
    ]

    static let crs4490 = "http://www.opengis.net/def/crs/EPSG/0/4490"

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/collections") { request, _ in
            try json([
                "collections": Self.collections.map { Self.describe($0, base: request.baseURL) },
                "links": [["href": "\(request.baseURL)/collections", "rel": "self", "type": "application/json"]],
            ])
        }
        router.get("/collections/:collection") { request, context in
            let collection = try Self.collection(context)
            return try json(Self.describe(collection, base: request.baseURL))
        }
        router.get("/collections/:collection/items") { request, context in
            let collection = try Self.collection(context)
            let query = try FeatureQuery(request.uri.queryParameters)
            let features = try await features(collection.id, query: query)
            return Self.featureCollection(features, query: query, url: "\(request.baseURL)/collections/\(collection.id)/items")
        }
        router.get("/collections/:collection/items/:feature") { request, context in
            let collection = try Self.collection(context)
            let id = try context.parameters.require("feature")
            guard let feature = try await feature(collection.id, id: id) else {
                throw Problem.notFound("collection \(collection.id) has no feature \(id)")
            }
            return Response(
                status: .ok, headers: [.contentType: "application/geo+json", .init("Content-Crs")!: "<\(Self.crs4490)>"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: feature)))
        }
    }

    private static func collection(_ context: some RequestContext) throws -> (id: String, title: String, description: String) {
        let id = try context.parameters.require("collection")
        guard let collection = collections.first(where: { $0.id == id }) else {
            throw Problem.notFound("no collection \(id); see /collections")
        }
        return collection
    }

    private static func describe(_ collection: (id: String, title: String, description: String), base: String) -> [String: any Sendable] {
        [
            "id": collection.id, "title": collection.title, "description": collection.description,
            "itemType": "feature", "crs": [crs4490], "storageCrs": crs4490,
            "links": [
                ["href": "\(base)/collections/\(collection.id)", "rel": "self", "type": "application/json"],
                ["href": "\(base)/collections/\(collection.id)/items", "rel": "items", "type": "application/geo+json"],
            ],
        ]
    }

    /// Features as GeoJSON text, built by PostGIS.
    private func features(_ collection: String, query: FeatureQuery) async throws -> [String] {
        let bbox = query.bbox
        let rows: PostgresRowSequence
        if collection == "sensors" {
            rows = try await client.query(
                """
                SELECT json_build_object('type', 'Feature', 'id', sensor_id, 'geometry', ST_AsGeoJSON(geom, 15, 0)::json,
                    'properties', json_build_object('sensor_id', sensor_id, 'observed_at', observed_at, 'event_id', event_id, 'values', "values"))::text
                FROM sensors_latest
                WHERE (\(bbox?.west)::float8 IS NULL OR geom && ST_MakeEnvelope(\(bbox?.west), \(bbox?.south), \(bbox?.east), \(bbox?.north), 4490))
                  AND (\(query.sensorID)::text IS NULL OR sensor_id = \(query.sensorID))
                  AND (\(query.start)::timestamptz IS NULL OR observed_at >= \(query.start))
                  AND (\(query.end)::timestamptz IS NULL OR observed_at <= \(query.end))
                ORDER BY sensor_id LIMIT \(query.limit) OFFSET \(query.offset)
                """, logger: logger)
        } else {
            rows = try await client.query(
                """
                SELECT json_build_object('type', 'Feature', 'id', event_id, 'geometry', ST_AsGeoJSON(geom, 15, 0)::json,
                    'properties', json_build_object('sensor_id', sensor_id, 'observed_at', observed_at, 'recorded_at', recorded_at,
                        'values', "values", 'source', source))::text
                FROM sensor_readings
                WHERE (\(bbox?.west)::float8 IS NULL OR geom && ST_MakeEnvelope(\(bbox?.west), \(bbox?.south), \(bbox?.east), \(bbox?.north), 4490))
                  AND (\(query.sensorID)::text IS NULL OR sensor_id = \(query.sensorID))
                  AND (\(query.start)::timestamptz IS NULL OR observed_at >= \(query.start))
                  AND (\(query.end)::timestamptz IS NULL OR observed_at <= \(query.end))
                ORDER BY observed_at, event_id LIMIT \(query.limit) OFFSET \(query.offset)
                """, logger: logger)
        }
        var features: [String] = []
        for try await feature in rows.decode(String.self) { features.append(feature) }
        return features
    }

    private func feature(_ collection: String, id: String) async throws -> String? {
        let rows: PostgresRowSequence
        if collection == "sensors" {
            rows = try await client.query(
                """
                SELECT json_build_object('type', 'Feature', 'id', sensor_id, 'geometry', ST_AsGeoJSON(geom, 15, 0)::json,
                    'properties', json_build_object('sensor_id', sensor_id, 'observed_at', observed_at, 'event_id', event_id, 'values', "values"))::text
                FROM sensors_latest WHERE sensor_id = \(id)
                """, logger: logger)
        } else {
            guard let eventID = UUID(uuidString: id) else { return nil }
            rows = try await client.query(
                """
                SELECT json_build_object('type', 'Feature', 'id', event_id, 'geometry', ST_AsGeoJSON(geom, 15, 0)::json,
                    'properties', json_build_object('sensor_id', sensor_id, 'observed_at', observed_at, 'recorded_at', recorded_at,
                        'values', "values", 'source', source))::text
                FROM sensor_readings WHERE event_id = \(eventID)
                """, logger: logger)
        }
        for try await feature in rows.decode(String.self) { return feature }
        return nil
    }

    private static func featureCollection(_ features: [String], query: FeatureQuery, url: String) -> Response {
        var links = [#"{"href":"\#(url)","rel":"self","type":"application/geo+json"}"#]
        if features.count == query.limit {
            links.append(#"{"href":"\#(url)?\#(query.queryItemsForNext)","rel":"next","type":"application/geo+json"}"#)
        }
        let body = """
            {"type":"FeatureCollection","numberReturned":\(features.count),"timeStamp":"\(Timestamp.format(Date()))",\
            "links":[\(links.joined(separator: ","))],"features":[\(features.joined(separator: ","))]}
            """
        return Response(
            status: .ok, headers: [.contentType: "application/geo+json", .init("Content-Crs")!: "<\(crs4490)>"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }
}

import Events

import Foundation
import Hummingbird
import Logging
import NIOCore
import PostgresNIO

/// Measurement and spatial functions (R-AN-2, R-SVC-3), computed by PostGIS on the CGCS2000
/// ellipsoid (geography of SRID 4490): distances, lengths and areas are geodesic, in metres and
/// square metres; buffers are geodesic distances. Inputs are validated and every answer names its units.
///
/// - `GET /measure/distance?from=lon,lat&to=lon,lat[&crs=]`
/// - `POST /measure[?crs=]` with a GeoJSON geometry: area, length, perimeter, centroid, bbox, validity
/// - `POST /buffer?distance=metres[&crs=][&segments=8]` with a GeoJSON geometry
/// - `GET /collections/{c}/nearest?lon=&lat=[&k=5][&max_distance=metres][&crs=]`
/// - `POST /collections/{c}/intersect[?crs=][&clip=true][&limit=1000]` with a GeoJSON geometry
struct MeasurementRoutes: Sendable {
    let client: PostgresClient
    let logger: Logger

    static let ellipsoid = "CGCS2000 (a = 6378137 m, 1/f = 298.257222101), geodesic"
    static let maximumBufferMetres = 200_000.0
    static let maximumNearest = 1_000
    static let maximumIntersecting = 10_000

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/measure/distance") { request, _ in
            let parameters = request.uri.queryParameters
            let from = try GeometryInput.position(parameters.get("from"), name: "from")
            let to = try GeometryInput.position(parameters.get("to"), name: "to")
            let srid = try GeometryInput.srid(parameters.get("crs"))
            let query: PostgresQuery = """
                WITH p AS (
                    SELECT ST_Transform(ST_SetSRID(ST_MakePoint(\(from.0), \(from.1)), \(srid)::int), 4490)::geography AS a,
                        ST_Transform(ST_SetSRID(ST_MakePoint(\(to.0), \(to.1)), \(srid)::int), 4490)::geography AS b
                )
                SELECT ST_Distance(a, b, true), coalesce(degrees(ST_Azimuth(a, b)), 0) FROM p
                """
            var result: (Double, Double) = (0, 0)
            try await evaluating { for try await row in try await client.query(query, logger: logger).decode((Double, Double).self) { result = row } }
            return try json([
                "distance": result.0, "unit": "m", "azimuth_degrees": result.1, "method": Self.ellipsoid,
                "from": [from.0, from.1], "to": [to.0, to.1], "crs": "EPSG:\(srid)",
            ])
        }

        router.post("/measure") { request, _ in
            let input = try await GeometryInput(request, crs: request.uri.queryParameters.get("crs"))
            let query: PostgresQuery = """
                WITH g AS (SELECT ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(\(input.geoJSON)), \(input.srid)::int), 4490) AS g)
                SELECT GeometryType(g), ST_Area(g::geography, true), ST_Length(g::geography, true), ST_Perimeter(g::geography, true),
                    ST_X(ST_Centroid(g)), ST_Y(ST_Centroid(g)), ST_XMin(g), ST_YMin(g), ST_XMax(g), ST_YMax(g), ST_IsValid(g), ST_IsValidReason(g),
                    ST_NPoints(g)
                FROM g
                """
            var answer: [String: any Sendable] = [:]
            try await evaluating {
                for try await row in try await client.query(query, logger: logger).decode(
                    (String, Double, Double, Double, Double, Double, Double, Double, Double, Double, Bool, String, Int).self)
                {
                    answer = [
                        "type": row.0, "area": row.1, "area_unit": "m²", "length": row.2, "perimeter": row.3, "length_unit": "m",
                        "centroid": [row.4, row.5], "bbox": [row.6, row.7, row.8, row.9], "valid": row.10, "validity": row.11,
                        "points": row.12, "crs": "EPSG:4490", "input_crs": "EPSG:\(input.srid)", "method": Self.ellipsoid,
                    ]
                }
            }
            return try json(answer)
        }

        router.post("/buffer") { request, _ in
            let parameters = request.uri.queryParameters
            guard let text = parameters.get("distance"), let distance = Double(text), distance > 0, distance <= Self.maximumBufferMetres else {
                throw Problem.badRequest("distance is required: metres, more than 0 and at most \(Int(Self.maximumBufferMetres))")
            }
            let segments = try integer(parameters.get("segments"), name: "segments", default: 8, range: 1...64)
            let input = try await GeometryInput(request, crs: parameters.get("crs"))
            let query: PostgresQuery = """
                WITH g AS (SELECT ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(\(input.geoJSON)), \(input.srid)::int), 4490) AS g),
                b AS (SELECT ST_Buffer(g::geography, \(distance), \("quad_segs=\(segments)"))::geometry AS b FROM g)
                SELECT ST_AsGeoJSON(ST_SetSRID(b, 4490), 9), ST_Area(ST_SetSRID(b, 4490)::geography, true) FROM b
                """
            var feature = ""
            try await evaluating {
                for try await (geometry, area) in try await client.query(query, logger: logger).decode((String, Double).self) {
                    feature =
                        #"{"type":"Feature","properties":{"distance":\#(distance),"distance_unit":"m","area":\#(area),"area_unit":"m²","method":"\#(Self.ellipsoid)"},"geometry":\#(geometry)}"#
                }
            }
            return Self.geoJSON(feature)
        }

        router.get("/collections/:collection/nearest") { request, requestContext in
            let collection = try requestContext.parameters.require("collection")
            let parameters = request.uri.queryParameters
            let lon = try Self.number(parameters.get("lon"), name: "lon")
            let lat = try Self.number(parameters.get("lat"), name: "lat")
            let k = try integer(parameters.get("k"), name: "k", default: 5, range: 1...Self.maximumNearest)
            let maximum = try parameters.get("max_distance").map { try Self.number($0, name: "max_distance") }
            let srid = try GeometryInput.srid(parameters.get("crs"))
            let source = try await MeasuredSource.resolve(collection, client: client, logger: logger)
            // The GiST index orders candidates by planar distance in degrees; the geodesic distance re-ranks them.
            let query: PostgresQuery = """
                WITH params AS (SELECT \(collection)::text AS c),
                p AS (SELECT ST_Transform(ST_SetSRID(ST_MakePoint(\(lon), \(lat)), \(srid)::int), 4490) AS p),
                candidates AS (
                    SELECT s.id, s.props, s.geom FROM (\(unescaped: source.sql)) AS s
                    ORDER BY s.geom <-> (SELECT p FROM p) LIMIT \(k * 4 + 20)
                ),
                ranked AS (SELECT id, props, geom, ST_Distance(geom::geography, (SELECT p FROM p)::geography, true) AS d FROM candidates)
                SELECT id, props::text, ST_AsGeoJSON(geom, 9), d FROM ranked
                WHERE \(maximum)::float8 IS NULL OR d <= \(maximum)::float8
                ORDER BY d, id LIMIT \(k)
                """
            var features: [String] = []
            try await evaluating {
                for try await (id, properties, geometry, distance) in try await client.query(query, logger: logger).decode(
                    (String, String, String, Double).self)
                {
                    features.append(Self.feature(id: id, properties: properties, extra: ["distance": distance], geometry: geometry))
                }
            }
            return Self.geoJSON(
                #"{"type":"FeatureCollection","numberReturned":\#(features.count),"distance_unit":"m","method":"\#(Self.ellipsoid)","features":[\#(features.joined(separator: ","))]}"#
            )
        }

        router.post("/collections/:collection/intersect") { request, requestContext in
            let collection = try requestContext.parameters.require("collection")
            let parameters = request.uri.queryParameters
            let clip = parameters.get("clip") != "false"
            let limit = try integer(parameters.get("limit"), name: "limit", default: 1_000, range: 1...Self.maximumIntersecting)
            let input = try await GeometryInput(request, crs: parameters.get("crs"))
            let source = try await MeasuredSource.resolve(collection, client: client, logger: logger)
            let query: PostgresQuery = """
                WITH params AS (SELECT \(collection)::text AS c),
                g AS (SELECT ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(\(input.geoJSON)), \(input.srid)::int), 4490) AS g),
                hits AS (
                    SELECT s.id, s.props, s.geom, ST_Intersection(s.geom, (SELECT g FROM g)) AS part FROM (\(unescaped: source.sql)) AS s
                    WHERE ST_Intersects(s.geom, (SELECT g FROM g)) ORDER BY s.id LIMIT \(limit + 1)
                )
                SELECT id, props::text, ST_AsGeoJSON(CASE WHEN \(clip) THEN part ELSE geom END, 9),
                    ST_Area(part::geography, true), ST_Length(part::geography, true)
                FROM hits ORDER BY id
                """
            var features: [String] = []
            var totalArea = 0.0
            var totalLength = 0.0
            try await evaluating {
                for try await (id, properties, geometry, area, length) in try await client.query(query, logger: logger).decode(
                    (String, String, String, Double, Double).self)
                {
                    guard features.count < limit else { break }
                    totalArea += area
                    totalLength += length
                    features.append(
                        Self.feature(
                            id: id, properties: properties, extra: ["intersection_area": area, "intersection_length": length], geometry: geometry))
                }
            }
            let more = features.count == limit
            return Self.geoJSON(
                #"{"type":"FeatureCollection","numberReturned":\#(features.count),"truncated":\#(more),"clipped":\#(clip),"summary":{"intersection_area":\#(totalArea),"area_unit":"m²","intersection_length":\#(totalLength),"length_unit":"m","method":"\#(Self.ellipsoid)"},"features":[\#(features.joined(separator: ","))]}"#
            )
        }
    }

    /// A feature whose properties are the stored ones plus `extra` numbers.
    static func feature(id: String, properties: String, extra: [String: Double], geometry: String) -> String {
        var members = extra.sorted { $0.key < $1.key }.map { #""\#($0.key)":\#($0.value)"# }.joined(separator: ",")
        let inner = properties.trimmingCharacters(in: .whitespaces).dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
        if !inner.isEmpty { members += "," + inner }
        let encodedID = String(
            decoding: (try? JSONSerialization.data(withJSONObject: id, options: [.fragmentsAllowed])) ?? Data("\"\"".utf8), as: UTF8.self)
        return #"{"type":"Feature","id":\#(encodedID),"properties":{\#(members)},"geometry":\#(geometry)}"#
    }

    static func geoJSON(_ body: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/geo+json", .init("Content-Crs")!: "<http://www.opengis.net/def/crs/EPSG/0/4490>"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }

    static func number(_ text: String?, name: String) throws -> Double {
        guard let text, let value = Double(text), value.isFinite else {
            throw Problem.badRequest("\(name) must be a number, not \(text ?? "(missing)")")
        }
        return value
    }

    /// Runs `body`, answering 400 for what PostGIS refuses in the input (bad GeoJSON, an unknown SRID).
    func evaluating(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as PSQLError {
            guard let message = error.serverInfo?[.message], let state = error.serverInfo?[.sqlState], state.hasPrefix("22") || state == "XX000"
            else { throw error }
            throw Problem.badRequest("PostGIS cannot use this input: \(message)")
        }
    }
}

import Foundation
import GeoVocabulary
import Hummingbird
import Logging
import NIOCore
import ReadModel

/// Measurement and spatial functions (R-AN-2, R-SVC-3), computed by PostGIS on the CGCS2000
/// ellipsoid (geography of SRID 4490) through the read model's ``SpatialQueries``: distances, lengths
/// and areas are geodesic, in metres and square metres; buffers are geodesic distances. Inputs are
/// validated and every answer names its units.
///
/// - `GET /measure/distance?from=lon,lat&to=lon,lat[&crs=]`
/// - `POST /measure[?crs=]` with a GeoJSON geometry: area, length, perimeter, centroid, bbox, validity
/// - `POST /buffer?distance=metres[&crs=][&segments=8]` with a GeoJSON geometry
/// - `GET /collections/{c}/nearest?lon=&lat=[&k=5][&max_distance=metres][&crs=]`
/// - `POST /collections/{c}/intersect[?crs=][&clip=true][&limit=1000]` with a GeoJSON geometry
struct MeasurementRoutes: Sendable {
    let store: FeatureStore
    let spatial: SpatialQueries

    static let ellipsoid = "CGCS2000 (a = 6378137 m, 1/f = 298.257222101), geodesic"
    static let maximumBufferMetres = 200_000.0
    static let maximumNearest = 1_000
    static let maximumIntersecting = 10_000

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/measure/distance") { request, _ in
            let parameters = request.uri.queryParameters
            let from = try Position(parsing: parameters.get("from"), parameter: "from")
            let to = try Position(parsing: parameters.get("to"), parameter: "to")
            let srid = try GeometryInput.srid(parameters.get("crs"))
            let result = try await spatial.distance(from: from, to: to, srid: srid)
            return try json([
                "distance": result.metres, "unit": "m", "azimuth_degrees": result.azimuth, "method": Self.ellipsoid,
                "from": [from.x, from.y], "to": [to.x, to.y], "crs": "EPSG:\(srid)",
            ])
        }

        router.post("/measure") { request, _ in
            let input = try await GeometryInput(request, crs: request.uri.queryParameters.get("crs"))
            var answer: [String: any Sendable] = [:]
            if let measures = try await spatial.measure(geoJSON: input.geoJSON, srid: input.srid) {
                let box = measures.bbox
                answer = [
                    "type": measures.type, "area": measures.area, "area_unit": "m²", "length": measures.length, "perimeter": measures.perimeter,
                    "length_unit": "m", "centroid": [measures.centroid.x, measures.centroid.y], "bbox": [box.west, box.south, box.east, box.north],
                    "valid": measures.valid, "validity": measures.validity, "points": measures.points, "crs": "EPSG:4490",
                    "input_crs": "EPSG:\(input.srid)", "method": Self.ellipsoid,
                ]
            }
            return try json(answer)
        }

        router.post("/buffer") { request, _ in
            let parameters = request.uri.queryParameters
            guard let text = parameters.get("distance"), let distance = Double(text), distance > 0, distance <= Self.maximumBufferMetres else {
                throw Problem.badRequest("distance is required: metres, more than 0 and at most \(Int(Self.maximumBufferMetres))")
            }
            let segments = try IntegerParameter.parse(parameters.get("segments"), name: "segments", default: 8, range: 1...64)
            let input = try await GeometryInput(request, crs: parameters.get("crs"))
            var feature = ""
            if let (geometry, area) = try await spatial.buffer(geoJSON: input.geoJSON, srid: input.srid, distance: distance, segments: segments) {
                feature =
                    #"{"type":"Feature","properties":{"distance":\#(distance),"distance_unit":"m","area":\#(area),"area_unit":"m²","method":"\#(Self.ellipsoid)"},"geometry":\#(geometry)}"#
            }
            return Self.geoJSON(feature)
        }

        router.get("/collections/:collection/nearest") { request, requestContext in
            let parameters = request.uri.queryParameters
            let lon = try Position.coordinate(parameters.get("lon"), parameter: "lon")
            let lat = try Position.coordinate(parameters.get("lat"), parameter: "lat")
            let k = try IntegerParameter.parse(parameters.get("k"), name: "k", default: 5, range: 1...Self.maximumNearest)
            let maximum = try parameters.get("max_distance").map { text throws(ParameterError) in
                try Position.coordinate(text, parameter: "max_distance")
            }
            let srid = try GeometryInput.srid(parameters.get("crs"))
            let collection = try await store.registry.collection(try requestContext.parameters.require("collection"))
            let hits = try await spatial.nearest(collection, to: Position(x: lon, y: lat), srid: srid, k: k, maximumDistance: maximum)
            let features = hits.map { Self.feature(id: $0.id, properties: $0.properties, extra: ["distance": $0.distance], geometry: $0.geometry) }
            return Self.geoJSON(
                #"{"type":"FeatureCollection","numberReturned":\#(features.count),"distance_unit":"m","method":"\#(Self.ellipsoid)","features":[\#(features.joined(separator: ","))]}"#
            )
        }

        router.post("/collections/:collection/intersect") { request, requestContext in
            let parameters = request.uri.queryParameters
            let clip = parameters.get("clip") != "false"
            let limit = try IntegerParameter.parse(parameters.get("limit"), name: "limit", default: 1_000, range: 1...Self.maximumIntersecting)
            let input = try await GeometryInput(request, crs: parameters.get("crs"))
            let collection = try await store.registry.collection(try requestContext.parameters.require("collection"))
            let hits = try await spatial.intersecting(collection, geoJSON: input.geoJSON, srid: input.srid, clip: clip, limit: limit)
            var features: [String] = []
            var totalArea = 0.0
            var totalLength = 0.0
            for hit in hits.prefix(limit) {
                totalArea += hit.area
                totalLength += hit.length
                features.append(
                    Self.feature(
                        id: hit.id, properties: hit.properties, extra: ["intersection_area": hit.area, "intersection_length": hit.length],
                        geometry: hit.geometry))
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

}

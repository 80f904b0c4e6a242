import Foundation
import GeoVocabulary
import Logging
import PostgresNIO

/// Measurement and spatial functions, computed by PostGIS on the CGCS2000 ellipsoid (geography of
/// SRID 4490): geodesic distances, lengths, areas and buffers of given geometries, and the nearest
/// and intersecting features of a collection (read through its source, as every read is).
/// Input PostGIS cannot use (bad GeoJSON, an unknown SRID) is a ``FeatureStoreError`` (400).
public struct SpatialQueries: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Geodesic distance (m) and azimuth (degrees) between two positions in `srid`.
    public func distance(from: Position, to: Position, srid: Int32) async throws -> (metres: Double, azimuth: Double) {
        let query: PostgresQuery = """
            WITH p AS (
                SELECT ST_Transform(ST_SetSRID(ST_MakePoint(\(from.x), \(from.y)), \(Int(srid))::int), 4490)::geography AS a,
                    ST_Transform(ST_SetSRID(ST_MakePoint(\(to.x), \(to.y)), \(Int(srid))::int), 4490)::geography AS b
            )
            SELECT ST_Distance(a, b, true), coalesce(degrees(ST_Azimuth(a, b)), 0) FROM p
            """
        var result: (Double, Double) = (0, 0)
        try await refusingBadInput {
            for try await row in try await client.query(query, logger: logger).decode((Double, Double).self) { result = row }
        }
        return result
    }

    /// What `POST /measure` reports of a geometry.
    public struct Measures: Sendable {
        public var type: String
        public var area: Double
        public var length: Double
        public var perimeter: Double
        public var centroid: Position
        public var bbox: BoundingBox
        public var valid: Bool
        public var validity: String
        public var points: Int
    }

    /// Geodesic measures of a GeoJSON geometry in `srid`.
    public func measure(geoJSON: String, srid: Int32) async throws -> Measures? {
        let query: PostgresQuery = """
            WITH g AS (SELECT ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(\(geoJSON)), \(Int(srid))::int), 4490) AS g)
            SELECT GeometryType(g), ST_Area(g::geography, true), ST_Length(g::geography, true), ST_Perimeter(g::geography, true),
                ST_X(ST_Centroid(g)), ST_Y(ST_Centroid(g)), ST_XMin(g), ST_YMin(g), ST_XMax(g), ST_YMax(g), ST_IsValid(g), ST_IsValidReason(g),
                ST_NPoints(g)
            FROM g
            """
        var measures: Measures?
        try await refusingBadInput {
            for try await row in try await client.query(query, logger: logger).decode(
                (String, Double, Double, Double, Double, Double, Double, Double, Double, Double, Bool, String, Int).self)
            {
                measures = Measures(
                    type: row.0, area: row.1, length: row.2, perimeter: row.3, centroid: Position(x: row.4, y: row.5),
                    bbox: BoundingBox(west: row.6, south: row.7, east: row.8, north: row.9), valid: row.10, validity: row.11, points: row.12)
            }
        }
        return measures
    }

    /// A geodesic buffer of `distance` metres around a GeoJSON geometry in `srid`: its GeoJSON
    /// (EPSG:4490) and area (m²).
    public func buffer(geoJSON: String, srid: Int32, distance: Double, segments: Int) async throws -> (geometry: String, area: Double)? {
        let query: PostgresQuery = """
            WITH g AS (SELECT ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(\(geoJSON)), \(Int(srid))::int), 4490) AS g),
            b AS (SELECT ST_Buffer(g::geography, \(distance), \("quad_segs=\(segments)"))::geometry AS b FROM g)
            SELECT ST_AsGeoJSON(ST_SetSRID(b, 4490), 9), ST_Area(ST_SetSRID(b, 4490)::geography, true) FROM b
            """
        var result: (String, Double)?
        try await refusingBadInput {
            for try await row in try await client.query(query, logger: logger).decode((String, Double).self) { result = row }
        }
        return result
    }

    /// A feature found by a spatial query, with its stored properties as JSON text and GeoJSON in EPSG:4490.
    public struct Hit: Sendable {
        public var id: String
        public var properties: String
        public var geometry: String
        /// Distance (m) for nearest; intersection area (m²) and length (m) for intersect.
        public var distance = 0.0
        public var area = 0.0
        public var length = 0.0
    }

    /// The `k` features of `collection` nearest to a position in `srid`, by geodesic distance,
    /// within `maximumDistance` metres when given.
    public func nearest(_ collection: ServedCollection, to point: Position, srid: Int32, k: Int, maximumDistance: Double?) async throws -> [Hit] {
        var plan = ReadPlan(collection)
        plan.conditions.append("geom IS NOT NULL")
        let relation = plan.relation
        let p =
            "ST_Transform(ST_SetSRID(ST_MakePoint(\(plan.builder.bind(point.x)), \(plan.builder.bind(point.y))), \(plan.builder.bind(Int(srid)))::int), 4490)"
        // The GiST index orders candidates by planar distance in degrees; the geodesic distance re-ranks them.
        let candidates =
            plan.select("\(relation.key)::text AS id, \(relation.properties) AS props, geom")
            + " ORDER BY geom <-> (SELECT p FROM p) LIMIT \(plan.builder.bind(k * 4 + 20))"
        let maximum = plan.builder.bind(maximumDistance ?? .infinity)
        let sql = """
            WITH p AS (SELECT \(p) AS p),
            candidates AS (\(candidates)),
            ranked AS (SELECT id, props, geom, ST_Distance(geom::geography, (SELECT p FROM p)::geography, true) AS d FROM candidates)
            SELECT id, props::text, ST_AsGeoJSON(geom, 9), d FROM ranked
            WHERE \(maximum)::float8 IS NULL OR d <= \(maximum)::float8
            ORDER BY d, id LIMIT \(plan.builder.bind(k))
            """
        var hits: [Hit] = []
        try await refusingBadInput {
            for try await (id, properties, geometry, distance) in try await client.query(plan.builder.query(sql), logger: logger).decode(
                (String, String, String, Double).self)
            {
                hits.append(Hit(id: id, properties: properties, geometry: geometry, distance: distance))
            }
        }
        return hits
    }

    /// The features of `collection` intersecting a GeoJSON geometry in `srid`, in id order, at most
    /// `limit + 1` (the extra one says there are more), with the intersection's area and length;
    /// `clip` returns the intersections instead of the whole geometries.
    public func intersecting(_ collection: ServedCollection, geoJSON: String, srid: Int32, clip: Bool, limit: Int) async throws -> [Hit] {
        var plan = ReadPlan(collection)
        let g = "ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(\(plan.builder.bind(geoJSON))), \(plan.builder.bind(Int(srid)))::int), 4490)"
        plan.conditions.append("ST_Intersects(geom, (SELECT g FROM g))")
        let relation = plan.relation
        let hits =
            plan.select("\(relation.key)::text AS id, \(relation.properties) AS props, geom, ST_Intersection(geom, (SELECT g FROM g)) AS part")
            + " ORDER BY \(relation.key) LIMIT \(plan.builder.bind(limit + 1))"
        let sql = """
            WITH g AS (SELECT \(g) AS g), hits AS (\(hits))
            SELECT id, props::text, ST_AsGeoJSON(CASE WHEN \(plan.builder.bind(clip)) THEN part ELSE geom END, 9),
                ST_Area(part::geography, true), ST_Length(part::geography, true)
            FROM hits ORDER BY id
            """
        var found: [Hit] = []
        try await refusingBadInput {
            for try await (id, properties, geometry, area, length) in try await client.query(plan.builder.query(sql), logger: logger).decode(
                (String, String, String, Double, Double).self)
            {
                found.append(Hit(id: id, properties: properties, geometry: geometry, area: area, length: length))
            }
        }
        return found
    }

    /// Runs `body`, turning what PostGIS refuses in the input (bad GeoJSON, an unknown SRID) into a 400.
    private func refusingBadInput(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as PSQLError {
            guard let message = error.serverInfo?[.message], let state = error.serverInfo?[.sqlState], state.hasPrefix("22") || state == "XX000"
            else { throw error }
            throw FeatureStoreError(.badRequest, "PostGIS cannot use this input: \(message)")
        }
    }
}

import Foundation
import GeoVocabulary
import Hummingbird
import NIOCore

/// A geometry sent to the measurement endpoints: a GeoJSON geometry (or Feature) in the request
/// body, in EPSG:4490 unless `crs=` names another CRS. Positions are longitude, latitude (x, y) as
/// GeoJSON has them, whatever the CRS's official axis order.
struct GeometryInput: Sendable {
    /// The GeoJSON geometry object, as text for `ST_GeomFromGeoJSON`.
    var geoJSON: String
    /// The SRID of the coordinates.
    var srid: Int32

    static let maximumBytes = 4 * 1_024 * 1_024

    init(_ request: Request, crs: String?) async throws {
        let buffer = try await request.body.collect(upTo: Self.maximumBytes + 1)
        guard buffer.readableBytes <= Self.maximumBytes else {
            throw Problem(.contentTooLarge, detail: "the geometry is larger than \(Self.maximumBytes / 1_048_576) MiB")
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(buffer: buffer)) as? [String: Any] else {
            throw Problem.badRequest("the body must be a GeoJSON geometry or Feature object")
        }
        let geometry: Any
        switch object["type"] as? String {
        case "Feature":
            guard let inner = object["geometry"] as? [String: Any] else { throw Problem.badRequest("the Feature has no geometry") }
            geometry = inner
        case "Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon", "GeometryCollection":
            geometry = object
        case let other:
            throw Problem.badRequest("the body must be a GeoJSON geometry or Feature, not type \(other ?? "(missing)")")
        }
        geoJSON = String(decoding: try JSONSerialization.data(withJSONObject: geometry), as: UTF8.self)
        srid = try Self.srid(crs)
    }

    /// The SRID a `crs` parameter names (any spelling ``CRSIdentifier`` reads; CRS84 is 4326 in x/y
    /// order); EPSG:4490 when none is given.
    static func srid(_ crs: String?) throws -> Int32 {
        guard let crs, !crs.isEmpty else { return CRSIdentifier.storageSRID }
        guard let identifier = CRSIdentifier(parsing: crs) else {
            throw Problem.badRequest("crs must be EPSG:<code>, an OGC EPSG URI or CRS84, not \(crs)")
        }
        return identifier.srid
    }
}

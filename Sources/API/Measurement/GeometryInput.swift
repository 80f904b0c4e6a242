import Foundation
import Hummingbird
import NIOCore

/// A geometry sent to the measurement endpoints: a GeoJSON geometry (or Feature) in the request
/// body, in EPSG:4490 unless `crs=` names another CRS. Positions are longitude, latitude (x, y) as
/// GeoJSON has them, whatever the CRS's official axis order.
struct GeometryInput: Sendable {
    /// The GeoJSON geometry object, as text for `ST_GeomFromGeoJSON`.
    var geoJSON: String
    /// The SRID of the coordinates.
    var srid: Int

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

    /// The SRID a `crs` parameter names: `EPSG:n`, an OGC EPSG URI, `CRS84` (= 4326 in x/y order); default 4490.
    static func srid(_ crs: String?) throws -> Int {
        guard let crs, !crs.isEmpty else { return 4490 }
        let text = crs.trimmingCharacters(in: .whitespaces)
        if ["CRS84", "OGC:CRS84", "http://www.opengis.net/def/crs/OGC/1.3/CRS84"].contains(text) { return 4326 }
        let code: Substring?
        if text.uppercased().hasPrefix("EPSG:") {
            code = text.dropFirst(5)
        } else if text.hasPrefix("http://www.opengis.net/def/crs/EPSG/0/") {
            code = text.split(separator: "/").last
        } else {
            code = nil
        }
        guard let code, let srid = Int(code), srid > 0 else {
            throw Problem.badRequest("crs must be EPSG:<code>, an OGC EPSG URI or CRS84, not \(crs)")
        }
        return srid
    }

    /// Parses `lon,lat`.
    static func position(_ text: String?, name: String) throws -> (Double, Double) {
        guard let text else { throw Problem.badRequest("\(name) is required: longitude,latitude") }
        let numbers = text.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard numbers.count == 2, let x = numbers[0], let y = numbers[1], x.isFinite, y.isFinite else {
            throw Problem.badRequest("\(name) must be longitude,latitude (two numbers), not \(text)")
        }
        return (x, y)
    }
}

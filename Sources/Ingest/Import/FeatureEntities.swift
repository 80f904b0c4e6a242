import Events
import Foundation
import GeoFormats
import Geodesy
import JSON

/// Turns read features into entity changes: the entity id, the properties as JSON in source order,
/// the geometry as GeoJSON in EPSG:4490, and the content hash that tells a changed feature from an
/// unchanged one.
struct FeatureEntities: Sendable {
    let plan: EntityImport
    /// Set when the source is in an internet-map offset (GCJ-02, BD-09) that GDAL/PROJ cannot undo:
    /// the reader then keeps WGS 84-shaped coordinates and this removes the offset.
    let offset: CoordinateReferenceSystem?
    let transformer = CoordinateTransformer()

    func entityID(of feature: Feature) -> String? {
        if let field = plan.idField {
            guard let value = feature.properties[field], !value.isNull else { return nil }
            return value.description
        }
        return feature.fid.map(String.init) ?? String(feature.row)
    }

    func validFrom(of feature: Feature, default fallback: Date) -> Result<Date, ImportError> {
        guard let field = plan.validFromField else { return .success(plan.validFrom ?? fallback) }
        switch feature.properties[field] {
        case .date(let date)?:
            guard let seconds = CivilDateTime(date: date, hour: 0, minute: 0, second: 0).secondsSince1970 else {
                return .failure(ImportError("\(field) \(date) is not a valid date"))
            }
            return .success(Date(timeIntervalSince1970: seconds))
        case .dateTime(let time)?:
            guard let seconds = time.secondsSince1970 else { return .failure(ImportError("\(field) \(time) has no time zone")) }
            return .success(Date(timeIntervalSince1970: seconds))
        case .string(let text)?:
            guard
                let date = Timestamp.parse(text)
                    ?? CivilDate(parsing: text).flatMap({ CivilDateTime(date: $0, hour: 0, minute: 0, second: 0).secondsSince1970 }).map(
                        Date.init(timeIntervalSince1970:))
            else {
                return .failure(ImportError("\(field) \"\(text)\" is not an RFC 3339 date-time or a date"))
            }
            return .success(date)
        default:
            return .failure(ImportError("\(field) holds no valid time"))
        }
    }

    static func properties(_ properties: Properties) -> JSONValue {
        .object(properties.map { ($0.name, json($0.value)) })
    }

    static func json(_ value: FieldValue) -> JSONValue {
        switch value {
        case .null: .null
        case .string(let text): .string(text)
        case .integer(let number): abs(number) < 1 << 53 ? .number(Double(number)) : .string(String(number))
        case .real(let number): number.isFinite ? .number(number) : .null
        case .boolean(let flag): .bool(flag)
        case .date(let date): .string(date.description)
        case .dateTime(let time): .string(time.description)
        }
    }

    /// The geometry as GeoJSON in EPSG:4490.
    func geometry(of feature: Feature) throws(GeodesyError) -> JSONValue? {
        guard let text = feature.geometry?.geoJSON, let geometry = try? JSONParser.parse(text) else { return nil }
        guard let offset else { return geometry }
        return try mapCoordinates(geometry) { x, y throws(GeodesyError) in try transformer.transform(x: x, y: y, from: offset, to: .cgcs2000) }
    }

    /// The hash of what a version holds: geometry and properties as JSON text.
    static func hash(geometry: JSONValue?, properties: JSONValue) -> String {
        FeatureEdit.contentHash(geometry: geometry, properties: properties)
    }

    private func mapCoordinates(_ value: JSONValue, _ transform: (Double, Double) throws(GeodesyError) -> (x: Double, y: Double)) throws(GeodesyError)
        -> JSONValue
    {
        switch value {
        case .object(let members):
            var mapped: [(key: String, value: JSONValue)] = []
            for (key, member) in members {
                mapped.append((key, key == "coordinates" || key == "geometries" ? try mapCoordinates(member, transform) : member))
            }
            return .object(mapped)
        case .array(let items):
            if items.count >= 2, case .number(let x) = items[0], case .number(let y) = items[1] {
                let (tx, ty) = try transform(x, y)
                return .array([.number(tx), .number(ty)] + items.dropFirst(2))
            }
            var mapped: [JSONValue] = []
            for item in items { mapped.append(try mapCoordinates(item, transform)) }
            return .array(mapped)
        default:
            return value
        }
    }
}

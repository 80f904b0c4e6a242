import Foundation
import JSON

/// A fence drawn by hand (not taken from an entity collection): a polygon or multipolygon in
/// EPSG:4490 (GeoJSON, longitude first). Alert rules name it as `geofences/<id>`.
public struct GeofenceDefinition: LiveDefinition {
    public static let kind = DefinitionKind.geofence
    public static let fields: Set<String> = ["id", "title", "geometry", "properties"]
    /// The collection name drawn fences go by in fence references (`geofences/<id>`).
    public static let collection = "geofences"

    public var id: String
    public var title: String?
    /// A GeoJSON `Polygon` or `MultiPolygon` in EPSG:4490.
    public var geometry: JSONValue
    public var properties: JSONValue?

    public init(id: String, title: String? = nil, geometry: JSONValue, properties: JSONValue? = nil) {
        self.id = id
        self.title = title
        self.geometry = geometry
        self.properties = properties
    }

    /// How alert rules and alerts name it.
    public var reference: String { "\(Self.collection)/\(id)" }

    public func problem() -> String? {
        if let problem = DefinitionID.problem(id) { return problem }
        if let properties, properties.members == nil { return "properties must be an object" }
        return PolygonRings.problem(geometry)
    }
}

/// Polygons as GeoJSON writes them, read into rings of (longitude, latitude) pairs.
public enum PolygonRings {
    /// Polygons of rings (the first ring outer, the others holes) of a `Polygon` or `MultiPolygon`.
    public static func read(_ geometry: JSONValue) -> [[[(Double, Double)]]]? {
        guard let type = geometry["type"]?.string, let coordinates = geometry["coordinates"]?.array else { return nil }
        func ring(_ value: JSONValue) -> [(Double, Double)]? {
            guard let positions = value.array, positions.count >= 4 else { return nil }
            var points: [(Double, Double)] = []
            points.reserveCapacity(positions.count)
            for position in positions {
                guard let pair = position.array, pair.count >= 2, let x = pair[0].number, let y = pair[1].number, x.isFinite, y.isFinite,
                    (-180...180).contains(x), (-90...90).contains(y)
                else { return nil }
                points.append((x, y))
            }
            return points
        }
        func polygon(_ value: JSONValue) -> [[(Double, Double)]]? {
            guard let rings = value.array, !rings.isEmpty else { return nil }
            var result: [[(Double, Double)]] = []
            for item in rings {
                guard let read = ring(item) else { return nil }
                result.append(read)
            }
            return result
        }
        switch type {
        case "Polygon":
            return polygon(.array(coordinates)).map { [$0] }
        case "MultiPolygon":
            var polygons: [[[(Double, Double)]]] = []
            for item in coordinates {
                guard let read = polygon(item) else { return nil }
                polygons.append(read)
            }
            return polygons.isEmpty ? nil : polygons
        default:
            return nil
        }
    }

    /// Why `geometry` is not a usable polygon, or `nil`.
    public static func problem(_ geometry: JSONValue) -> String? {
        guard let type = geometry["type"]?.string, type == "Polygon" || type == "MultiPolygon" else {
            return "geometry must be a GeoJSON Polygon or MultiPolygon"
        }
        guard read(geometry) != nil else {
            return "geometry must have rings of at least 4 [longitude, latitude] positions within [-180, 180] × [-90, 90]"
        }
        return nil
    }
}

import Gazetteer
import SpatialIndex

/// A region an event lies in: its id (entity id or division code), name and label point.
public struct Region: Sendable, Hashable {
    public var id: String
    public var name: String?
    public var longitude: Double
    public var latitude: Double

    public init(id: String, name: String?, longitude: Double, latitude: Double) {
        self.id = id
        self.name = name
        self.longitude = longitude
        self.latitude = latitude
    }
}

/// Where `group_by: region` finds regions: the polygons of entity collections (followed from the
/// entity stream) or the gazetteer's division boundaries.
public struct RegionLookup: Sendable {
    public var entities: EntityPolygons?
    public var gazetteer: GazetteerEngine?

    public init(entities: EntityPolygons?, gazetteer: GazetteerEngine?) {
        self.entities = entities
        self.gazetteer = gazetteer
    }

    /// The region of `regions` containing the point; `level` applies to the gazetteer.
    public func region(_ regions: String, level: String?, longitude: Double, latitude: Double) -> Region? {
        if regions == "gazetteer" {
            guard let gazetteer else { return nil }
            let wanted: AdminLevel =
                switch level {
                case "province": .province
                case "city": .city
                default: .county
                }
            let result = gazetteer.current.reverse(GeoPoint(lon: longitude, lat: latitude), maxDistance: 0)
            guard let match = result.admin.first(where: { $0.level == wanted }) else { return nil }
            return Region(id: match.code, name: match.name, longitude: longitude, latitude: latitude)
        }
        return entities?.region(collection: regions, longitude: longitude, latitude: latitude)
    }

    /// Whether the polygons of `regions` are loaded (the gazetteer always is, when there is one).
    public func isReady(_ regions: String) -> Bool {
        regions == "gazetteer" ? true : entities?.isLoaded(regions) ?? true
    }

    /// Asks for the polygons of an entity collection to be loaded.
    public func want(_ regions: String) {
        if regions != "gazetteer" { entities?.want(regions) }
    }
}

import CQL2
import Events
import JSON

extension EntitySource: LiveSource {
    public var liveTopics: [String] { [Topics.spatialEntities] }
    /// On a subscription, `datetime` applies to the version's valid time start.
    public var liveTime: String? { "valid_from" }
    public var liveProjection: String { "entities" }

    /// An upsert is the entity's new version; a retirement removes it.
    public func liveFeature(_ event: LiveEvent, in collection: ServedCollection) -> LiveFeature? {
        guard let value = event.value, let data = value["data"], data["collection"]?.string == collection.id,
            let entityID = data["entity_id"]?.string
        else { return nil }
        let validFrom = data["valid_from"] ?? .null
        if event.type == EntityEvent.retired {
            return LiveFeature(
                id: entityID, change: .removal, geometry: nil, properties: [], inputs: ["valid_from": validFrom], queryables: collection.queryables)
        }
        guard event.type == EntityEvent.upserted else { return nil }
        let geometry = value["space"]?["geometry"].flatMap { try? CQL2Geometry(geoJSON: $0) }
        let properties = data["properties"]?.members ?? []
        var inputs: [String: JSONValue] = [:]
        for (name, value) in properties { inputs[name] = value }
        if inputs["valid_from"] == nil { inputs["valid_from"] = validFrom }
        return LiveFeature(id: entityID, geometry: geometry, properties: properties, inputs: inputs, queryables: collection.queryables)
    }
}

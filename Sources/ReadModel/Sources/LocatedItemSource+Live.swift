import CQL2
import Events
import JSON

extension LocatedItemSource: LiveSource {
    public var liveTopics: [String] { [Topics.spatialItems] }
    public var liveTime: String? { "occurred_at" }
    public var liveProjection: String { "items" }

    /// A placement is the item's latest position, keyed by the item.
    public func liveFeature(_ event: LiveEvent, in collection: ServedCollection) -> LiveFeature? {
        guard let value = event.value, let space = value["space"], let itemID = value["data"]?["item_id"]?.string,
            let geometry = space["geometry"].flatMap({ try? CQL2Geometry(geoJSON: $0) })
        else { return nil }
        let data = value["data"] ?? .null
        let fields: [(key: String, value: JSONValue)] = [
            ("item_id", .string(itemID)), ("event_id", .string(event.id.uuidString.lowercased())), ("source", value["source"] ?? .null),
            ("occurred_at", value["occurred_at"] ?? .null), ("recorded_at", value["recorded_at"] ?? .null), ("method", space["method"] ?? .null),
            ("standard_address", space["standard_address"] ?? .null), ("admin_code", space["admin_code"] ?? .null),
            ("admin_codes", space["admin_codes"] ?? .null), ("precision", space["precision"] ?? .null), ("score", space["score"] ?? .null),
            ("labels", value["attributes"] ?? .null), ("data", data),
        ]
        var inputs: [String: JSONValue] = [:]
        for (name, value) in fields { inputs[name] = value }
        return LiveFeature(id: itemID, geometry: geometry, properties: fields, inputs: inputs, queryables: collection.queryables)
    }
}

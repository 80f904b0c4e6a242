import CQL2
import Events
import Foundation
import JSON

extension AggregateSource: LiveSource {
    public var liveTopics: [String] { [Topics.aggregatesOfReadings] }
    /// On a subscription, `datetime` applies to the window's start, as on `/items`.
    public var liveTime: String? { "window_start" }
    public var liveProjection: String { "aggregates" }

    /// Every version of a window (the first, then each correction) is the window's new state,
    /// keyed by the window as in `/collections/aggregates/items`.
    public func liveFeature(_ event: LiveEvent, in collection: ServedCollection) -> LiveFeature? {
        guard event.type == AggregateWindowEvent.type, let value = event.value,
            let decoded = try? EventJSON.decoder().decode(AggregateWindowEvent.self, from: Data(value.text.utf8))
        else { return nil }
        let window = decoded.data
        let properties = window.featureProperties
        var inputs: [String: JSONValue] = ["recorded_at": .string(Timestamp.format(decoded.recordedAt))]
        for (name, value) in properties { inputs[name] = value }
        let geometry = decoded.space.geometry.flatMap { try? CQL2Geometry(geoJSON: $0) }
        return LiveFeature(id: window.featureID, geometry: geometry, properties: properties, inputs: inputs, queryables: collection.queryables)
    }
}

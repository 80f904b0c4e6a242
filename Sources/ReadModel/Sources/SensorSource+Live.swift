import CQL2
import Events
import JSON

/// A `sensor.reading` on `spatial.events`, as the two sensor collections read it live.
struct LiveReading {
    var sensorID: String
    var observedAt: JSONValue
    var recordedAt: JSONValue
    var values: [(key: String, value: JSONValue)]
    var source: JSONValue
    var geometry: CQL2Geometry

    init?(_ event: LiveEvent) {
        guard event.type == "sensor.reading", let value = event.value, let sensorID = value["data"]?["sensor_id"]?.string,
            let geometryJSON = value["space"]?["geometry"], let geometry = try? CQL2Geometry(geoJSON: geometryJSON)
        else { return nil }
        self.sensorID = sensorID
        self.observedAt = value["occurred_at"] ?? .null
        self.recordedAt = value["recorded_at"] ?? .null
        self.values = value["data"]?["values"]?.members ?? []
        self.source = value["source"] ?? .null
        self.geometry = geometry
    }

    /// The queryable inputs: the fields, then every reported value under its own name.
    func inputs(_ fields: [String: JSONValue]) -> [String: JSONValue] {
        var inputs = fields
        for (name, value) in values where inputs[name] == nil { inputs[name] = value }
        return inputs
    }
}

extension ReadingSource: LiveSource {
    public var liveTopics: [String] { [Topics.spatialEvents] }
    public var liveTime: String? { "observed_at" }
    public var liveProjection: String { "sensors" }

    /// Every reading is a new feature, keyed by its event id.
    public func liveFeature(_ event: LiveEvent, in collection: ServedCollection) -> LiveFeature? {
        guard let reading = LiveReading(event) else { return nil }
        let properties: [(key: String, value: JSONValue)] = [
            ("sensor_id", .string(reading.sensorID)), ("observed_at", reading.observedAt), ("recorded_at", reading.recordedAt),
            ("values", .object(reading.values)), ("source", reading.source),
        ]
        let inputs = reading.inputs([
            "sensor_id": .string(reading.sensorID), "observed_at": reading.observedAt, "recorded_at": reading.recordedAt,
        ])
        return LiveFeature(
            id: event.id.uuidString.lowercased(), geometry: reading.geometry, properties: properties, inputs: inputs,
            queryables: collection.queryables)
    }
}

extension SensorSource: LiveSource {
    public var liveTopics: [String] { [Topics.spatialEvents] }
    public var liveTime: String? { "observed_at" }
    public var liveProjection: String { "sensors" }

    /// A reading is the sensor's new latest state, keyed by the sensor.
    public func liveFeature(_ event: LiveEvent, in collection: ServedCollection) -> LiveFeature? {
        guard let reading = LiveReading(event) else { return nil }
        let properties: [(key: String, value: JSONValue)] = [
            ("sensor_id", .string(reading.sensorID)), ("observed_at", reading.observedAt),
            ("event_id", .string(event.id.uuidString.lowercased())), ("values", .object(reading.values)),
        ]
        let inputs = reading.inputs(["sensor_id": .string(reading.sensorID), "observed_at": reading.observedAt])
        return LiveFeature(
            id: reading.sensorID, geometry: reading.geometry, properties: properties, inputs: inputs, queryables: collection.queryables)
    }
}

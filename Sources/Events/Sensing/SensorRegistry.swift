import Foundation
import JSON
import Kafka

/// A station or device that observes (a SensorThings Thing): where it is and what is known of it.
/// Its id is the sensor id its readings carry.
public struct Thing: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var description: String?
    /// Where it stands, in EPSG:4490.
    public var location: PointGeometry?
    /// Free metadata: operator, model, installation date…
    public var properties: JSONValue?

    public init(id: String, name: String, description: String? = nil, location: PointGeometry? = nil, properties: JSONValue? = nil) {
        self.id = id
        self.name = name
        self.description = description
        self.location = location
        self.properties = properties
    }
}

/// One observed quantity of a thing (a SensorThings Datastream): what it measures, in which unit,
/// within which physical range, under which labels, with positions in which CRS. A reading's value
/// named `observed_property` of sensor `thing` belongs to it.
public struct Datastream: Codable, Sendable, Equatable {
    public var id: String
    public var thing: String
    public var name: String
    public var description: String?
    /// The value name readings use, e.g. `pm25`.
    public var observedProperty: String
    /// UCUM, e.g. `ug/m3`.
    public var unit: String
    /// The physical range: values outside it are impossible, and refused.
    public var minimum: Double?
    public var maximum: Double?
    /// Domain / industry / theme labels its readings carry (R-DATA-5).
    public var labels: AttributeLabels
    /// The CRS of the positions its readings carry, when the payload does not say (overrides the feed's).
    public var crs: String?

    public init(
        id: String, thing: String, name: String, description: String? = nil, observedProperty: String, unit: String, minimum: Double? = nil,
        maximum: Double? = nil, labels: AttributeLabels, crs: String? = nil
    ) {
        self.id = id
        self.thing = thing
        self.name = name
        self.description = description
        self.observedProperty = observedProperty
        self.unit = unit
        self.minimum = minimum
        self.maximum = maximum
        self.labels = labels
        self.crs = crs
    }

    enum CodingKeys: String, CodingKey {
        case id, thing, name, description, unit, minimum, maximum, labels, crs
        case observedProperty = "observed_property"
    }

    /// The range as text, e.g. `[0, 1000] ug/m3`.
    public var rangeDescription: String {
        "[\(minimum.map(JSONValue.format) ?? "-∞"), \(maximum.map(JSONValue.format) ?? "∞")] \(unit)"
    }
}

/// A change to the sensor registry, as JSON in the value of `sensors.registry`: `thing.upserted`,
/// `thing.deleted`, `datastream.upserted`, `datastream.deleted`, the thing or datastream as it
/// stands after the change (for a deletion, as it stood), with the editor as the source.
public struct RegistryEvent: Codable, Sendable, Equatable {
    public static let thingUpserted = "thing.upserted"
    public static let thingDeleted = "thing.deleted"
    public static let datastreamUpserted = "datastream.upserted"
    public static let datastreamDeleted = "datastream.deleted"
    public static let types = [thingUpserted, thingDeleted, datastreamUpserted, datastreamDeleted]

    public var id: UUID
    public var type: String
    public var subject: String
    public var source: String
    public var occurredAt: Date
    public var recordedAt: Date
    public var thing: Thing?
    public var datastream: Datastream?
    public var schema: String

    /// `id` defaults to a fresh one; give a content-derived id to make a repeated registration the same event.
    public init(thing: Thing, deleted: Bool = false, editor: String, at date: Date = Date(), id: UUID? = nil) {
        self.init(type: deleted ? Self.thingDeleted : Self.thingUpserted, subject: "thing:\(thing.id)", editor: editor, at: date, id: id)
        self.thing = thing
    }

    public init(datastream: Datastream, deleted: Bool = false, editor: String, at date: Date = Date(), id: UUID? = nil) {
        self.init(
            type: deleted ? Self.datastreamDeleted : Self.datastreamUpserted, subject: "datastream:\(datastream.id)", editor: editor, at: date, id: id
        )
        self.datastream = datastream
    }

    private init(type: String, subject: String, editor: String, at date: Date, id: UUID?) {
        self.id = id ?? EventIDGenerator.shared.next(at: date)
        self.type = type
        self.subject = subject
        self.source = TaskEvent.source(editor: editor)
        self.occurredAt = date
        self.recordedAt = date
        self.schema = "shikong/registry.event/1"
    }

    public var isDeletion: Bool { type == Self.thingDeleted || type == Self.datastreamDeleted }

    /// The editor, from the source.
    public var editor: String { source.hasPrefix("user:") ? String(source.dropFirst(5)) : source }

    enum CodingKeys: String, CodingKey {
        case id, type, subject, source, thing, datastream, schema
        case occurredAt = "occurred_at"
        case recordedAt = "recorded_at"
    }

    public func record(topic: String = Topics.sensorRegistry) throws -> OutgoingRecord {
        EventMetadata(id: id, type: type, subject: subject, source: source, occurredAt: occurredAt, recordedAt: recordedAt, schema: schema)
            .record(topic: topic, value: try EventJSON.encoder().encode(self))
    }

    public static func decode(_ message: KafkaMessage) throws(EventDecodingError) -> RegistryEvent {
        let event: RegistryEvent
        do {
            event = try EventJSON.decoder().decode(RegistryEvent.self, from: message.value)
        } catch {
            throw EventDecodingError("not a registry event: \(error)")
        }
        guard types.contains(event.type) else { throw EventDecodingError("unknown registry event type \(event.type)") }
        guard (event.thing != nil) == event.type.hasPrefix("thing."), (event.datastream != nil) == event.type.hasPrefix("datastream.") else {
            throw EventDecodingError("a \(event.type) event carries a \(event.type.hasPrefix("thing.") ? "thing" : "datastream")")
        }
        return event
    }
}

extension Topics {
    /// The sensor registry: things (stations) and their datastreams.
    public static let sensorRegistry = "sensors.registry"
}

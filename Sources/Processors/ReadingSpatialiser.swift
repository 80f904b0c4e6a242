import Events
import Foundation
import Geodesy
import GeoVocabulary
import JSON
import Kafka
import Synchronization

/// Turns one raw `sensor.reading` record into a spatialised event in EPSG:4490, or says why it cannot.
/// The record's feed (`ce_feed`, a `FeedContext`) says where the payload holds each part and how the
/// reading relates to the sensor registry: a feed bound to it has every value checked against its
/// datastream (registered, same unit, within the physical range) and the reading labelled from the
/// datastreams; an unbound feed's readings carry the feed's labels. Pure apart from PROJ and the
/// registry lookup: the stage around it does the Kafka work.
public struct ReadingSpatialiser: Sendable {
    public typealias Failure = ProcessingFailure

    public static let stage = "processors.spatialiser"

    private let transformer: CoordinateTransformer
    private let serviceArea: BoundingBox
    private let defaultCRS: CoordinateReferenceSystem
    private let outputTopic: String
    private let schema: JSONSchema?
    private let maximumValues: Int
    private let registry: (any DatastreamLookup)?
    private let contexts = FeedContextCache()

    /// Most values one reading may carry unless configured otherwise (`--max-reading-values`).
    public static let defaultMaximumValues = 256

    /// `schema` is the raw topic's value schema from the catalogue: a payload must match it as well as
    /// carry what the spatialiser needs. A reading with more than `maximumValues` values is refused.
    public init(
        transformer: CoordinateTransformer = CoordinateTransformer(), serviceArea: BoundingBox = .china,
        defaultCRS: CoordinateReferenceSystem = .wgs84, outputTopic: String = Topics.spatialEvents, schema: JSONSchema? = nil,
        maximumValues: Int = ReadingSpatialiser.defaultMaximumValues, registry: (any DatastreamLookup)? = nil
    ) {
        self.maximumValues = maximumValues
        self.registry = registry
        self.transformer = transformer
        self.serviceArea = serviceArea
        self.defaultCRS = defaultCRS
        self.outputTopic = outputTopic
        self.schema = schema
    }

    public func spatialise(_ message: KafkaMessage) -> Result<OutgoingRecord, Failure> {
        ProcessingFailure.catching(message) { metadata in try spatialise(metadata: metadata, payload: message.value) }
    }

    private func spatialise(metadata: EventMetadata, payload: Data) throws -> OutgoingRecord {
        let feed = try contexts.context(metadata.extensions["feed"])
        let json = try JSONPayload.object(payload)
        let reading = try RawReading(json: json, mapping: feed.mapping, maximumValues: maximumValues)
        if let value = reading.values.first(where: { !$0.value.isFinite }) {
            throw EventDecodingError("value \(value.key) is not a finite number")
        }
        // The topic's schema describes the platform's own payload shape; a mapped feed has its own.
        if feed.mapping.isDefault { try JSONPayload.validate(json, against: schema, schemaID: metadata.schema) }
        let sensorID = reading.sensorID ?? Self.sensorID(fromSubject: metadata.subject)
        guard !sensorID.isEmpty else { throw EventDecodingError("no sensor id in the payload or the subject") }
        let bound = feed.binding == .registry ? try datastreams(of: reading, sensor: sensorID, feed: feed) : nil

        let crsText = reading.crs ?? bound?.crs ?? metadata.extensions["crs"]
        let crs: CoordinateReferenceSystem
        if let crsText {
            guard let parsed = CoordinateReferenceSystem(parsing: crsText) else { throw EventDecodingError("unknown CRS \"\(crsText)\"") }
            crs = parsed
        } else {
            crs = defaultCRS
        }
        if crs.isGeographic {
            guard (-90...90).contains(reading.y) else { throw EventDecodingError("latitude \(reading.y) is out of range [-90, 90]") }
            guard (-180...180).contains(reading.x) else { throw EventDecodingError("longitude \(reading.x) is out of range [-180, 180]") }
        }
        let position: (x: Double, y: Double)
        do {
            position = try transformer.transform(x: reading.x, y: reading.y, from: crs, to: .cgcs2000)
        } catch {
            throw EventDecodingError(error.message)
        }
        guard serviceArea.contains(longitude: position.x, latitude: position.y) else {
            throw EventDecodingError(
                "position (\(position.x), \(position.y)) in EPSG:4490 is outside the service area \(serviceArea)")
        }
        var output = metadata
        output.subject = "sensor:\(sensorID)"
        output.occurredAt = reading.time
        output.schema = "shikong/sensor.reading/1"
        output.contentType = "application/json"
        output.extensions["crs"] = "EPSG:4490"
        let event = SpatialEvent(
            metadata: output,
            space: SpaceLabel(
                geometry: PointGeometry(longitude: position.x, latitude: position.y), sourceCRS: crs.description,
                sourceCoordinates: [reading.x, reading.y]),
            attributes: bound?.labels ?? feed.labels,
            data: SensorReading(sensorID: sensorID, values: reading.values),
            schema: output.schema)
        return output.record(topic: outputTopic, value: SensorReadingEventJSON.encode(event))
    }

    /// The datastreams of a bound reading's values, checked: each value has one (else a failure that
    /// may come from a registry not yet caught up), in the datastream's unit, within its range, and
    /// all of them carry the same labels and CRS.
    private func datastreams(of reading: RawReading, sensor: String, feed: FeedContext) throws -> (labels: AttributeLabels, crs: String?) {
        guard let registry else { throw EventDecodingError("the feed is bound to the sensor registry, which this process does not follow") }
        var labels: AttributeLabels?
        var crs: String?
        for (name, value) in reading.values.sorted(by: { $0.key < $1.key }) {
            guard let datastream = registry.datastream(thing: sensor, observedProperty: name) else {
                throw StaleDefinitionError(
                    "unknown datastream: sensor \(sensor) has no datastream for \(name) in the sensor registry (register it: POST /datastreams)")
            }
            if let unit = reading.units[name] ?? feed.units[name], unit != datastream.unit {
                throw StaleDefinitionError(
                    "unit mismatch: \(name) of sensor \(sensor) is given in \(unit), but datastream \(datastream.id) measures in \(datastream.unit)")
            }
            if let minimum = datastream.minimum, value < minimum {
                throw EventDecodingError(
                    "value out of range: \(name) = \(JSONValue.format(value)) is below datastream \(datastream.id)'s physical range \(datastream.rangeDescription)"
                )
            }
            if let maximum = datastream.maximum, value > maximum {
                throw EventDecodingError(
                    "value out of range: \(name) = \(JSONValue.format(value)) is above datastream \(datastream.id)'s physical range \(datastream.rangeDescription)"
                )
            }
            if let labels, labels != datastream.labels {
                throw EventDecodingError(
                    "the values of one reading belong to datastreams of different themes (\(datastream.id) is \(datastream.labels.theme), not \(labels.theme)); publish them separately"
                )
            }
            labels = datastream.labels
            crs = crs ?? datastream.crs
        }
        return (labels ?? feed.labels, crs)
    }

    static func sensorID(fromSubject subject: String) -> String {
        subject.hasPrefix("sensor:") ? String(subject.dropFirst("sensor:".count)) : subject
    }
}

/// Parsed `ce_feed` headers: a feed sends the same text with every reading, so it is read once.
final class FeedContextCache: Sendable {
    private let cache = Mutex<[String: FeedContext]>([:])

    func context(_ header: String?) throws(EventDecodingError) -> FeedContext {
        guard let header else { return .unbound }
        if let known = cache.withLock({ $0[header] }) { return known }
        let context = try FeedContext(headerValue: header)
        cache.withLock { cache in
            if cache.count >= 1_024 { cache.removeAll() }
            cache[header] = context
        }
        return context
    }
}

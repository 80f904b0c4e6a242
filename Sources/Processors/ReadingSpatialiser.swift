import Events
import Foundation
import Geodesy
import GeoVocabulary
import JSON
import Kafka

/// Turns one raw `sensor.reading` record into a spatialised event in EPSG:4490, or says why it cannot.
/// Pure apart from PROJ: the stage around it does the Kafka work.
public struct ReadingSpatialiser: Sendable {
    public typealias Failure = ProcessingFailure

    public static let stage = "processors.spatialiser"
    public static let attributes = AttributeLabels(domain: "iot", industry: "environment", theme: "air-quality")

    private let transformer: CoordinateTransformer
    private let serviceArea: BoundingBox
    private let defaultCRS: CoordinateReferenceSystem
    private let outputTopic: String
    private let schema: JSONSchema?
    private let maximumValues: Int

    /// Most values one reading may carry unless configured otherwise (`--max-reading-values`).
    public static let defaultMaximumValues = 256

    /// `schema` is the raw topic's value schema from the catalogue: a payload must match it as well as
    /// carry what the spatialiser needs. A reading with more than `maximumValues` values is refused.
    public init(
        transformer: CoordinateTransformer = CoordinateTransformer(), serviceArea: BoundingBox = .china,
        defaultCRS: CoordinateReferenceSystem = .wgs84, outputTopic: String = Topics.spatialEvents, schema: JSONSchema? = nil,
        maximumValues: Int = ReadingSpatialiser.defaultMaximumValues
    ) {
        self.maximumValues = maximumValues
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
        let json = try JSONPayload.object(payload)
        let reading = try RawReading(json: json, maximumValues: maximumValues)
        if let value = reading.values.first(where: { !$0.value.isFinite }) {
            throw EventDecodingError("value \(value.key) is not a finite number")
        }
        try JSONPayload.validate(json, against: schema, schemaID: metadata.schema)

        let crsText = reading.crs ?? metadata.extensions["crs"]
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
        let sensorID = reading.sensorID ?? Self.sensorID(fromSubject: metadata.subject)
        guard !sensorID.isEmpty else { throw EventDecodingError("no sensor id in the payload or the subject") }

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
            attributes: Self.attributes,
            data: SensorReading(sensorID: sensorID, values: reading.values),
            schema: output.schema)
        return output.record(topic: outputTopic, value: SensorReadingEventJSON.encode(event))
    }

    static func sensorID(fromSubject subject: String) -> String {
        subject.hasPrefix("sensor:") ? String(subject.dropFirst("sensor:".count)) : subject
    }
}

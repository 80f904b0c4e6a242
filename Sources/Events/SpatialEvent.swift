import Foundation

/// A point in EPSG:4490, GeoJSON-shaped (longitude, latitude).
public struct PointGeometry: Codable, Sendable, Hashable {
    public var type = "Point"
    public var coordinates: [Double]

    public init(longitude: Double, latitude: Double) {
        coordinates = [longitude, latitude]
    }

    public var longitude: Double { coordinates[0] }
    public var latitude: Double { coordinates[1] }
}

/// The space domain of an event: canonical geometry plus what it was derived from.
public struct SpaceLabel: Codable, Sendable, Hashable {
    public var geometry: PointGeometry
    /// Always `EPSG:4490` (CGCS2000 geographic).
    public var crs: String
    public var sourceCRS: String
    public var sourceCoordinates: [Double]

    public init(geometry: PointGeometry, sourceCRS: String, sourceCoordinates: [Double]) {
        self.geometry = geometry
        self.crs = "EPSG:4490"
        self.sourceCRS = sourceCRS
        self.sourceCoordinates = sourceCoordinates
    }

    enum CodingKeys: String, CodingKey {
        case geometry, crs
        case sourceCRS = "source_crs"
        case sourceCoordinates = "source_coordinates"
    }
}

/// The attribute domain: domain / industry / theme labels (R-DATA-5).
public struct AttributeLabels: Codable, Sendable, Hashable {
    public var domain: String
    public var industry: String?
    public var theme: String

    public init(domain: String, industry: String? = nil, theme: String) {
        self.domain = domain
        self.industry = industry
        self.theme = theme
    }
}

/// An event after spatialisation, as JSON in the value of `spatial.events` (structured mode):
/// the envelope, its three-domain labels and the typed payload.
public struct SpatialEvent<Payload: Codable & Sendable>: Codable, Sendable {
    public var id: UUID
    public var type: String
    public var subject: String
    public var source: String
    public var occurredAt: Date
    public var recordedAt: Date
    public var space: SpaceLabel
    public var attributes: AttributeLabels
    public var data: Payload
    public var schema: String

    public init(
        metadata: EventMetadata, space: SpaceLabel, attributes: AttributeLabels, data: Payload, schema: String
    ) {
        self.id = metadata.id
        self.type = metadata.type
        self.subject = metadata.subject
        self.source = metadata.source
        self.occurredAt = metadata.occurredAt
        self.recordedAt = metadata.recordedAt
        self.space = space
        self.attributes = attributes
        self.data = data
        self.schema = schema
    }

    enum CodingKeys: String, CodingKey {
        case id, type, subject, source, space, attributes, data, schema
        case occurredAt = "occurred_at"
        case recordedAt = "recorded_at"
    }
}

/// Payload of a spatialised `sensor.reading`.
public struct SensorReading: Codable, Sendable, Hashable {
    public var sensorID: String
    /// Measured quantities by name, e.g. `pm25`, `no2`, `aqi`.
    public var values: [String: Double]

    public init(sensorID: String, values: [String: Double]) {
        self.sensorID = sensorID
        self.values = values
    }

    enum CodingKeys: String, CodingKey {
        case sensorID = "sensor_id"
        case values
    }
}

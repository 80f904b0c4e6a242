import Events
import Foundation
import Kafka

/// Spatialised readings of one consumed batch, in columns ready to bind as SQL arrays. Times are bound
/// as RFC 3339 text, exact to the millisecond (a `Date` bound directly can lose a microsecond).
public struct SensorReadingBatch: Sendable {
    var eventIDs: [UUID] = []
    var sensorIDs: [String] = []
    var observedAt: [String] = []
    var recordedAt: [String] = []
    var longitudes: [Double] = []
    var latitudes: [Double] = []
    var values: [String] = []
    var sources: [String] = []

    var isEmpty: Bool { eventIDs.isEmpty }
    var count: Int { eventIDs.count }

    private static let decoder = EventJSON.decoder()
    private static let encoder = JSONEncoder()

    /// Adds a `sensor.reading` record; throws a reason for the dead-letter topic when it is not one.
    mutating func append(_ message: KafkaMessage) throws(EventDecodingError) {
        let event: SpatialEvent<SensorReading>
        do {
            event = try Self.decoder.decode(SpatialEvent<SensorReading>.self, from: message.value)
        } catch {
            throw EventDecodingError("not a spatialised sensor.reading: \(error)")
        }
        guard event.space.crs == "EPSG:4490", event.space.geometry.coordinates.count == 2 else {
            throw EventDecodingError("geometry must be a point in EPSG:4490")
        }
        guard let encodedValues = try? Self.encoder.encode(event.data.values) else {
            throw EventDecodingError("values cannot be encoded as JSON")
        }
        eventIDs.append(event.id)
        sensorIDs.append(event.data.sensorID)
        observedAt.append(Timestamp.format(event.occurredAt))
        recordedAt.append(Timestamp.format(event.recordedAt))
        longitudes.append(event.space.geometry.longitude)
        latitudes.append(event.space.geometry.latitude)
        values.append(String(decoding: encodedValues, as: UTF8.self))
        sources.append(event.source)
    }
}

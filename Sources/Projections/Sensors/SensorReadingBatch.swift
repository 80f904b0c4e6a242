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

    /// Adds a `sensor.reading` record; throws a reason for the dead-letter topic when it is not one.
    /// One parse of our own per event (see `SensorReadingEventJSON`).
    mutating func append(_ message: KafkaMessage) throws(EventDecodingError) {
        let event = try SensorReadingEventJSON.decode(message.value)
        eventIDs.append(event.id)
        sensorIDs.append(event.sensorID)
        observedAt.append(Timestamp.format(event.occurredAt))
        recordedAt.append(Timestamp.format(event.recordedAt))
        longitudes.append(event.longitude)
        latitudes.append(event.latitude)
        values.append(event.valuesJSON)
        sources.append(event.source)
    }
}

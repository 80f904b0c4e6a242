import Events
import Foundation
import Kafka

/// Raw `sensor.reading` records as the MQTT bridge writes them to `raw.sensor.readings`.
enum Readings {
    static let recordedAt = Date(timeIntervalSince1970: 1_795_586_401)

    static func metadata(crs: String? = "EPSG:4326") -> EventMetadata {
        EventMetadata(
            id: EventIDGenerator().next(at: recordedAt), type: "sensor.reading", subject: "sensor:wh-0001",
            source: "mqtt://127.0.0.1:11883/city/wh-0001/air", occurredAt: recordedAt, recordedAt: recordedAt,
            schema: "shikong/sensor.reading.raw/1", contentType: "application/octet-stream",
            extensions: crs.map { ["crs": $0] } ?? [:])
    }

    static func message(_ payload: String, metadata: EventMetadata = metadata()) -> KafkaMessage {
        message(Data(payload.utf8), headers: metadata.kafkaHeaders)
    }

    static func message(_ payload: Data, headers: [KafkaHeader]) -> KafkaMessage {
        KafkaMessage(
            topic: Topics.rawSensorReadings, partition: 1, offset: 7, key: Data("sensor:wh-0001".utf8), value: payload,
            headers: headers, timestampMilliseconds: 1_795_586_401_000)
    }
}

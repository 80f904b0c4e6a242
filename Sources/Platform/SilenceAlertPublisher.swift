import Events
import Ingest
import Kafka

/// Publishes silent sensors as alerts on `alerts` (`SilenceAlert`).
struct SilenceAlertPublisher: SilentSensorReporter {
    let producer: KafkaProducer

    func silent(_ sensor: SilentSensor) async throws {
        try await producer.send(
            try SilenceAlert.record(
                task: sensor.task, sensor: sensor.sensor, lastSeen: sensor.lastSeen, spokeAt: nil, expectedInterval: sensor.expectedInterval,
                intervals: sensor.intervals))
    }

    func spoke(_ sensor: SilentSensor) async throws {
        try await producer.send(
            try SilenceAlert.record(
                task: sensor.task, sensor: sensor.sensor, lastSeen: sensor.lastSeen, spokeAt: sensor.spokeAt,
                expectedInterval: sensor.expectedInterval,
                intervals: sensor.intervals))
    }
}

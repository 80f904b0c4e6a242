import Foundation
import Logging
import PostgresNIO

/// When each sensor last spoke and through which MQTT topic, from the sensor projection: what a
/// feed's silent-sensor watch starts from after a restart.
public struct SensorSightings: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Every sensor's latest reading: the sensor, when the platform recorded it, and its source
    /// (`mqtt://host:port/<topic>`).
    public func latest() async throws -> [(sensor: String, recordedAt: Date, source: String)] {
        var sightings: [(sensor: String, recordedAt: Date, source: String)] = []
        let rows = try await client.query(
            """
            SELECT l.sensor_id, r.recorded_at, r.source FROM sensors_latest l
            JOIN sensor_readings r ON r.event_id = l.event_id AND r.observed_at = l.observed_at
            """, logger: logger)
        for try await (sensor, recordedAt, source) in rows.decode((String, Date, String).self) {
            sightings.append((sensor, recordedAt, source))
        }
        return sightings
    }
}

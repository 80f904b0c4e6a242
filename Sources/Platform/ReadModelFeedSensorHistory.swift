import Foundation
import Ingest
import Logging
import MQTT
import PostgresNIO
import ReadModel

/// A feed's sensors as the sensor projection knows them: those whose latest reading came through a
/// topic the feed's filter matches.
struct ReadModelFeedSensorHistory: FeedSensorHistory {
    let client: PostgresClient
    let logger: Logger

    func lastSeen(topicFilter: String) async throws -> [String: Date] {
        var seen: [String: Date] = [:]
        for (sensor, recordedAt, source) in try await SensorSightings(client: client, logger: logger).latest() {
            // mqtt://host:port/<topic>
            guard let scheme = source.range(of: "://"), let slash = source[scheme.upperBound...].firstIndex(of: "/") else { continue }
            let topic = String(source[source.index(after: slash)...])
            if MQTTTopicFilter.matches(topicFilter, topic: topic) { seen[sensor] = recordedAt }
        }
        return seen
    }
}

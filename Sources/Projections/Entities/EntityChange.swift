import Events
import Foundation
import JSON
import Kafka

/// One entity change as the entity projection applies it: read once from the event.
struct EntityChange: Sendable {
    var eventID: UUID
    var collection: String
    var entityID: String
    var retires: Bool
    /// Valid and recorded time, whole milliseconds since 1970 (what the projection stores).
    var validFrom: Int64
    var recordedAt: Int64
    /// GeoJSON text, or empty.
    var geometry: String
    var properties: String
    /// Empty when the source gave none.
    var hash: String
    var source: String

    init(_ message: KafkaMessage) throws(EventDecodingError) {
        let event = try EntityEvent(jsonBytes: message.value)
        let upsert = event.type == EntityEvent.upserted
        guard upsert || event.type == EntityEvent.retired else { throw EventDecodingError("unknown entity event type \(event.type)") }
        if upsert, event.space.geometry == nil { throw EventDecodingError("an upsert reached the projection without a geometry") }
        eventID = event.id
        collection = event.data.collection
        entityID = event.data.entityID
        retires = !upsert
        validFrom = Timestamp.epochMilliseconds(event.data.validFrom)
        recordedAt = Timestamp.epochMilliseconds(event.recordedAt)
        geometry = event.space.geometry?.text ?? ""
        properties = (event.data.properties ?? .object([])).text
        hash = event.data.contentHash ?? ""
        source = event.data.origin?.file ?? event.source
    }

    /// Whether a record is an entity change at all (others on the topic are skipped).
    static func isEntityChange(_ message: KafkaMessage) -> Bool {
        message.header("ce_type")?.hasPrefix("entity.") == true
    }
}

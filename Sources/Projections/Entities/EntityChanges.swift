import Events
import Foundation
import JSON
import Kafka

/// Entity changes of one batch in columns, each with its round: the n-th change of an entity in the
/// batch is applied in round n, so every round touches an entity at most once.
public struct EntityChanges: Sendable {
    struct Column: Sendable {
        var eventIDs: [UUID] = []
        var collections: [String] = []
        var entityIDs: [String] = []
        /// `u` (upserted) or `r` (retired).
        var kinds: [String] = []
        var validFrom: [String] = []
        var recordedAt: [String] = []
        /// GeoJSON text, or empty.
        var geometries: [String] = []
        var properties: [String] = []
        var hashes: [String] = []
        var sources: [String] = []

        var isEmpty: Bool { eventIDs.isEmpty }
    }

    var rounds: [Column] = []
    private var seen: [String: Int] = [:]

    var isEmpty: Bool { rounds.isEmpty }

    mutating func append(_ message: KafkaMessage) throws(EventDecodingError) {
        let event = try EntityEvent(jsonBytes: message.value)
        let upsert = event.type == EntityEvent.upserted
        guard upsert || event.type == EntityEvent.retired else { throw EventDecodingError("unknown entity event type \(event.type)") }
        if upsert, event.space.geometry == nil { throw EventDecodingError("an upsert reached the projection without a geometry") }
        let key = "\(event.data.collection)\u{1F}\(event.data.entityID)"
        let round = seen[key, default: 0]
        seen[key] = round + 1
        if rounds.count == round { rounds.append(Column()) }
        rounds[round].eventIDs.append(event.id)
        rounds[round].collections.append(event.data.collection)
        rounds[round].entityIDs.append(event.data.entityID)
        rounds[round].kinds.append(upsert ? "u" : "r")
        rounds[round].validFrom.append(Timestamp.format(event.data.validFrom))
        rounds[round].recordedAt.append(Timestamp.format(event.recordedAt))
        rounds[round].geometries.append(event.space.geometry?.text ?? "")
        rounds[round].properties.append((event.data.properties ?? .object([])).text)
        rounds[round].hashes.append(event.data.contentHash ?? "")
        rounds[round].sources.append(event.data.origin?.file ?? event.source)
    }
}

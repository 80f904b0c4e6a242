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
        let change = try EntityChange(message)
        let key = "\(change.collection)\u{1F}\(change.entityID)"
        let round = seen[key, default: 0]
        seen[key] = round + 1
        if rounds.count == round { rounds.append(Column()) }
        rounds[round].eventIDs.append(change.eventID)
        rounds[round].collections.append(change.collection)
        rounds[round].entityIDs.append(change.entityID)
        rounds[round].kinds.append(change.retires ? "r" : "u")
        rounds[round].validFrom.append(Timestamp.format(milliseconds: change.validFrom))
        rounds[round].recordedAt.append(Timestamp.format(milliseconds: change.recordedAt))
        rounds[round].geometries.append(change.geometry)
        rounds[round].properties.append(change.properties)
        rounds[round].hashes.append(change.hash)
        rounds[round].sources.append(change.source)
    }
}

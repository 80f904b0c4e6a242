import Foundation

/// The ids of the last `capacity` events per topic the hub passed on: a redelivered copy of an
/// event (a processor re-producing after a crash) is not sent twice. Bounded memory, oldest forgotten first.
struct RecentEventIDs: Sendable {
    private struct Key: Hashable {
        var topic: String
        var id: UUID
    }

    let capacity: Int
    private var ring: [Key?]
    private var next = 0
    private var members: Set<Key> = []

    init(capacity: Int = 65_536) {
        self.capacity = capacity
        ring = Array(repeating: nil, count: capacity)
    }

    /// Remembers the event; `false` when it was already remembered.
    mutating func insert(topic: String, id: UUID) -> Bool {
        let key = Key(topic: topic, id: id)
        guard members.insert(key).inserted else { return false }
        if let old = ring[next] { members.remove(old) }
        ring[next] = key
        next = (next + 1) % capacity
        return true
    }
}

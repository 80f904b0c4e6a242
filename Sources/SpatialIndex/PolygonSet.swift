/// A changing set of polygons, keyed, that answers "which contain this point?" fast at any size
/// (100,000 fences): the bulk sits in a ``PackedRTree``; polygons added since it was packed are
/// kept aside and scanned by bounding box, removed ones are skipped, and the tree is packed again
/// once the changes outgrow a sixteenth of it.
public struct PolygonSet<Key: Hashable & Sendable>: Sendable {
    private var keys: [Key] = []
    private var polygons: [PreparedPolygon?] = []
    private var slots: [Key: Int32] = [:]
    private var tree = PackedRTree(boxes: [])
    /// Slots in the tree: those below `packed`.
    private var packed: Int32 = 0
    /// Slots added (or replaced) after packing.
    private var pending: [Int32] = []
    private var removedSincePacking = 0

    public init() {}

    public var count: Int { slots.count }
    public var isEmpty: Bool { slots.isEmpty }

    /// Adds a polygon, or replaces the one under `key`.
    public mutating func set(_ key: Key, _ polygon: PreparedPolygon) {
        append(key, polygon)
        repackIfNeeded()
    }

    /// Adds many polygons (replacing those with the same keys), then packs once.
    public mutating func set(contentsOf entries: some Sequence<(Key, PreparedPolygon)>) {
        for (key, polygon) in entries { append(key, polygon) }
        pack()
    }

    private mutating func append(_ key: Key, _ polygon: PreparedPolygon) {
        if let slot = slots.removeValue(forKey: key) {
            polygons[Int(slot)] = nil
            if slot < packed { removedSincePacking += 1 } else { pending.removeAll { $0 == slot } }
        }
        let slot = Int32(keys.count)
        keys.append(key)
        polygons.append(polygon)
        slots[key] = slot
        pending.append(slot)
    }

    public mutating func remove(_ key: Key) {
        guard let slot = slots.removeValue(forKey: key) else { return }
        polygons[Int(slot)] = nil
        if slot < packed { removedSincePacking += 1 } else { pending.removeAll { $0 == slot } }
        repackIfNeeded()
    }

    public func polygon(_ key: Key) -> PreparedPolygon? {
        slots[key].flatMap { polygons[Int($0)] }
    }

    public var allKeys: Dictionary<Key, Int32>.Keys { slots.keys }

    /// Calls `body` with the key and polygon of every polygon containing the point.
    public func forEach(containing longitude: Double, _ latitude: Double, _ body: (Key, PreparedPolygon) -> Void) {
        tree.forEach(containing: longitude, latitude) { slot in
            if let polygon = polygons[Int(slot)], polygon.bandContains(longitude: longitude, latitude: latitude) {
                body(keys[Int(slot)], polygon)
            }
        }
        for slot in pending {
            if let polygon = polygons[Int(slot)], polygon.contains(longitude: longitude, latitude: latitude) { body(keys[Int(slot)], polygon) }
        }
    }

    /// The keys of the polygons containing the point.
    public func containing(longitude: Double, latitude: Double) -> [Key] {
        var found: [Key] = []
        forEach(containing: longitude, latitude) { key, _ in found.append(key) }
        return found
    }

    /// Packs everything into the tree now (after a bulk load).
    public mutating func pack() {
        var liveKeys: [Key] = []
        var livePolygons: [PreparedPolygon?] = []
        liveKeys.reserveCapacity(slots.count)
        livePolygons.reserveCapacity(slots.count)
        for (slot, polygon) in polygons.enumerated() {
            guard let polygon else { continue }
            liveKeys.append(keys[slot])
            livePolygons.append(polygon)
        }
        keys = liveKeys
        polygons = livePolygons
        slots = Dictionary(uniqueKeysWithValues: liveKeys.enumerated().map { ($0.element, Int32($0.offset)) })
        tree = PackedRTree(boxes: livePolygons.map { ($0!.west, $0!.south, $0!.east, $0!.north) })
        packed = Int32(keys.count)
        pending = []
        removedSincePacking = 0
    }

    private mutating func repackIfNeeded() {
        let threshold = max(64, Int(packed) / 16)
        if pending.count > threshold || removedSincePacking > max(64, Int(packed) / 4) { pack() }
    }
}

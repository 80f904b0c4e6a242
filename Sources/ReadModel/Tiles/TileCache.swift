import Foundation
import GeoVocabulary
import PostgresNIO
import Synchronization

/// Rendered tiles in memory, keyed by everything that decides a tile's bytes, and dropped when
/// the features under them change (``TileChange``, from the projections' commits). Least recently
/// used tiles go first once ``TileLimits/cacheBytes`` is reached.
///
/// A tile rendered while a change commits could hold the state before it: each render notes the
/// cache's generation when it starts, and a tile is not kept if a change that affects it arrived
/// since (or if too many changes came to tell). Nothing is kept unless a listener receives the
/// notices (``following(_:)``).
public final class TileCache: Sendable {
    /// What decides a tile's bytes.
    public struct Key: Sendable, Hashable {
        public var collection: String
        public var matrixSet: String
        public var zoom: Int
        public var column: Int
        public var row: Int
        /// The query parameters in canonical order.
        public var parameters: String
        /// Who asked, as far as it changes what they may see: their clearance when the
        /// collection's features carry levels (``FeatureClassification``), else empty (whoever
        /// may see the collection sees the same tile).
        public var principal: String

        public init(collection: String, matrixSet: String, zoom: Int, column: Int, row: Int, parameters: String, principal: String) {
            self.collection = collection
            self.matrixSet = matrixSet
            self.zoom = zoom
            self.column = column
            self.row = row
            self.parameters = parameters
            self.principal = principal
        }
    }

    /// A cached tile and what invalidates it.
    public struct Entry: Sendable {
        public var tile: ByteBuffer
        /// The thinning level the tile holds (0: every feature; ``TileStatement``).
        public var level: Int
        var kind: SourceKind
        /// The area its features were selected from (degrees, EPSG:4490).
        var area: BoundingBox
        var asOf: Date?
        var lastUse: UInt64 = 0

        public init(tile: ByteBuffer, level: Int = 0, kind: SourceKind, area: BoundingBox, asOf: Date?) {
            self.tile = tile
            self.level = level
            self.kind = kind
            self.area = area
            self.asOf = asOf
        }
    }

    struct State {
        var entries: [Key: Entry] = [:]
        var bytes = 0
        var clock: UInt64 = 0
        var generation: UInt64 = 0
        /// Recent changes with the generation each started, oldest first.
        var recent: [(generation: UInt64, change: TileChange)] = []
        var hits = 0
        var misses = 0
        /// Whether change notices are being received: without them nothing is kept.
        var following = false
    }

    static let recentChanges = 1_024
    public let capacity: Int
    private let state = Mutex(State())

    public init(capacity: Int = TileLimits().cacheBytes) {
        self.capacity = capacity
    }

    /// The cached tile, if any.
    public func tile(_ key: Key) -> Entry? {
        state.withLock { state in
            state.clock += 1
            guard var entry = state.entries[key] else {
                state.misses += 1
                return nil
            }
            state.hits += 1
            entry.lastUse = state.clock
            state.entries[key] = entry
            return entry
        }
    }

    /// The generation a render starts at: pass it to ``insert(_:_:renderedFrom:)``.
    public var generation: UInt64 { state.withLock { $0.generation } }

    /// Keeps a tile rendered from the state at `generation`, unless a change since may have made it stale.
    public func insert(_ key: Key, _ entry: Entry, renderedFrom generation: UInt64) {
        let size = entry.tile.readableBytes + 256
        guard size <= capacity / 4 else { return }
        state.withLock { state in
            guard state.following else { return }
            if generation != state.generation {
                guard let oldest = state.recent.first, oldest.generation <= generation else { return }
                for (changed, change) in state.recent where changed >= generation {
                    if change.affects(collection: key.collection, kind: entry.kind, area: entry.area, asOf: entry.asOf) { return }
                }
            }
            state.clock += 1
            var entry = entry
            entry.lastUse = state.clock
            if let old = state.entries.updateValue(entry, forKey: key) { state.bytes -= old.tile.readableBytes + 256 }
            state.bytes += size
            if state.bytes > capacity { Self.evict(&state, below: capacity * 9 / 10) }
        }
    }

    /// Drops the tiles `change` may affect; returns how many.
    @discardableResult
    public func apply(_ change: TileChange) -> Int {
        state.withLock { state in
            state.recent.append((state.generation, change))
            state.generation += 1
            if state.recent.count > Self.recentChanges { state.recent.removeFirst(state.recent.count - Self.recentChanges) }
            let stale = state.entries.filter { key, entry in
                change.affects(collection: key.collection, kind: entry.kind, area: entry.area, asOf: entry.asOf)
            }
            for (key, entry) in stale {
                state.entries[key] = nil
                state.bytes -= entry.tile.readableBytes + 256
            }
            return stale.count
        }
    }

    /// Whether change notices arrive (a listener is connected). Tiles are kept only while they do;
    /// any change of state drops every tile, since notices may have been missed.
    public func following(_ value: Bool) {
        state.withLock { state in
            state.following = value
            state.entries.removeAll()
            state.bytes = 0
            state.generation += 1
            state.recent.append((state.generation - 1, .everything))
        }
    }

    /// Tiles held, their bytes, hits and misses so far.
    public var statistics: (tiles: Int, bytes: Int, hits: Int, misses: Int) {
        state.withLock { ($0.entries.count, $0.bytes, $0.hits, $0.misses) }
    }

    private static func evict(_ state: inout State, below target: Int) {
        let order = state.entries.sorted { $0.value.lastUse < $1.value.lastUse }
        for (key, entry) in order {
            if state.bytes <= target { break }
            state.entries[key] = nil
            state.bytes -= entry.tile.readableBytes + 256
        }
    }
}

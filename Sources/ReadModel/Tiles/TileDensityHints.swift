import Synchronization

/// What recent renders say about how dense a kind of tile is, so that a tile likely to be under
/// the cap is read at level 0 straight away instead of after the density probe of
/// ``TileStatement/density(_:_:_:limits:)`` (planning that chain of counts costs PostgreSQL about
/// as much as rendering a tile of a few hundred features).
///
/// A kind is a collection's tiles at one zoom for the same parameters and caller. After
/// ``streak`` tiles of a kind in a row each held at most a quarter of the cap at level 0, the next
/// one of that kind skips the probe. The level-0 read stops at the cap and one, so a tile that is
/// dense after all costs one bounded read more, then takes the probe, and ends the streak: a hint
/// never changes what a tile holds, only how it is found.
public final class TileDensityHints: Sendable {
    /// A tile's cache key without its column and row.
    public struct Kind: Hashable, Sendable {
        var tile: TileCache.Key

        public init(_ key: TileCache.Key) {
            tile = key
            tile.column = 0
            tile.row = 0
        }
    }

    /// Sparse tiles in a row before the probe is skipped.
    public let streak: Int
    /// Kinds remembered at most (all are forgotten past it: hints are cheap to learn again).
    public let capacity: Int
    private let streaks = Mutex<[Kind: Int]>([:])

    public init(streak: Int = 16, capacity: Int = 4_096) {
        self.streak = streak
        self.capacity = capacity
    }

    /// Whether a tile of `kind` is expected to be under the cap at level 0.
    public func expectsSparse(_ kind: Kind) -> Bool {
        streaks.withLock { ($0[kind] ?? 0) >= streak }
    }

    /// Records a rendered tile: the level it holds and how many features that level had there.
    public func record(_ kind: Kind, level: Int, count: Int, cap: Int) {
        let sparse = level == 0 && count <= cap / 4
        streaks.withLock { streaks in
            if sparse {
                if streaks[kind] == nil, streaks.count >= capacity { streaks.removeAll(keepingCapacity: true) }
                streaks[kind, default: 0] += 1
            } else {
                streaks[kind] = nil
            }
        }
    }
}

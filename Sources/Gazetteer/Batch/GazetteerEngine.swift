import Synchronization

/// A shared, updatable gazetteer for services: readers take the current version (a cheap copy of
/// a value), writers apply changes; a reader never sees a half-applied batch.
public final class GazetteerEngine: Sendable {
    private let state: Mutex<Gazetteer>

    public init(_ gazetteer: Gazetteer) {
        state = Mutex(gazetteer)
    }

    /// The current gazetteer.
    public var current: Gazetteer { state.withLock { $0 } }

    /// Applies changes in order, atomically for readers.
    public func apply(_ changes: [GazetteerChange]) {
        var next = current
        next.apply(contentsOf: changes)
        state.withLock { $0 = next }
    }

    /// Applies, in order and atomically for readers, the changes that are not no-ops (see
    /// ``Gazetteer/isNoOp(_:)``); returns how many were applied. Readers wait while it runs, so callers
    /// pass batches of a few thousand at most.
    @discardableResult
    public func applyChanges(_ changes: [GazetteerChange]) -> Int {
        state.withLock { gazetteer in
            var applied = 0
            for change in changes where !gazetteer.isNoOp(change) {
                gazetteer.apply(change)
                applied += 1
            }
            return applied
        }
    }
}

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
}

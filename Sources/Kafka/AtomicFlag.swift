import Synchronization

/// A boolean shared between threads and closures (an `Atomic` itself cannot be captured).
final class AtomicFlag: Sendable {
    private let value: Atomic<Bool>

    init(_ initial: Bool) {
        value = Atomic(initial)
    }

    var isSet: Bool { value.load(ordering: .acquiring) }

    func set(_ newValue: Bool) {
        value.store(newValue, ordering: .releasing)
    }

    /// Sets the flag and returns whether this call changed it from unset.
    func setOnce() -> Bool {
        !value.exchange(true, ordering: .acquiringAndReleasing)
    }
}

extension Array where Element == CChar {
    /// The text up to the first NUL of a C error buffer.
    var nulTerminatedString: String {
        String(decoding: prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

import Foundation
import Synchronization

/// libmosquitto waits on its sockets with `select()`, which cannot watch a descriptor numbered
/// `FD_SETSIZE` (1024) or above: a client whose socket or wake-up pair gets such a number connects
/// and then never sends, and the broker drops it when its keepalive runs out. A process with many
/// connections (Kafka clients, database pools, child processes' pipes) reaches such numbers, so
/// low descriptors (on `/dev/null`) are held in reserve from libmosquitto's first use and given
/// back to the kernel just before a client opens its sockets, which then take their numbers.
enum LowDescriptors {
    /// Three per client (its socket and wake-up pair) for this many clients at once.
    static let reserveSize = 96
    private static let reserve = Mutex<[Int32]>(take(reserveSize))

    /// Runs `body` (which creates a client or opens its socket) with `count` low descriptors freed.
    static func freed<T, E: Error>(_ count: Int = 3, _ body: () throws(E) -> T) throws(E) -> T {
        reserve.withLock { held in
            for _ in 0..<min(count, held.count) { close(held.removeLast()) }
        }
        defer { refill() }
        return try body()
    }

    /// Takes low descriptors again up to the reserve's size, once clients have closed theirs.
    static func refill() {
        reserve.withLock { held in held.append(contentsOf: take(reserveSize - held.count)) }
    }

    /// Opens up to `count` descriptors numbered below `FD_SETSIZE`, lowest first.
    private static func take(_ count: Int) -> [Int32] {
        var taken: [Int32] = []
        while taken.count < count {
            let descriptor = open("/dev/null", O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { break }
            guard descriptor < 1_024 else {
                close(descriptor)
                break
            }
            taken.append(descriptor)
        }
        // Highest last: the ones freed first are the highest of the low, so the lowest stay held.
        return taken.sorted()
    }
}

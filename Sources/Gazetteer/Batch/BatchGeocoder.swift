import Dispatch
import Foundation

/// Geocodes many addresses on every core, in chunks, reporting progress.
public enum BatchGeocoder {
    /// Results in input order. `progress` is called with the number done after each chunk (from
    /// worker threads, at most a few hundred times).
    public static func geocode(
        _ addresses: [String], with gazetteer: Gazetteer, options: GeocodeOptions = GeocodeOptions(),
        progress: @Sendable (Int) -> Void = { _ in }
    ) -> [GeocodeResult] {
        let chunk = max(64, min(4_096, addresses.count / 200 + 1))
        let chunks = (addresses.count + chunk - 1) / chunk
        let results = ResultBuffer(count: addresses.count)
        let done = Counter()
        DispatchQueue.concurrentPerform(iterations: chunks) { index in
            let range = (index * chunk)..<min(addresses.count, (index + 1) * chunk)
            var local: [GeocodeResult] = []
            local.reserveCapacity(range.count)
            for position in range { local.append(gazetteer.geocode(addresses[position], options: options)) }
            results.store(local, at: range.lowerBound)
            progress(done.add(range.count))
        }
        return results.values()
    }
}

/// Results written by workers into disjoint ranges.
private final class ResultBuffer: @unchecked Sendable {
    private var storage: [GeocodeResult?]
    private let lock = NSLock()

    init(count: Int) { storage = Array(repeating: nil, count: count) }

    func store(_ results: [GeocodeResult], at offset: Int) {
        lock.lock()
        defer { lock.unlock() }
        for (index, result) in results.enumerated() { storage[offset + index] = result }
    }

    func values() -> [GeocodeResult] {
        lock.lock()
        defer { lock.unlock() }
        return storage.map { $0 ?? GeocodeResult(query: "", failure: .empty) }
    }
}

private final class Counter: @unchecked Sendable {
    private var value = 0
    private let lock = NSLock()

    func add(_ amount: Int) -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += amount
        return value
    }
}

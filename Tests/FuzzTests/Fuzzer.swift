import Foundation
import Testing

/// A small seeded mutation fuzzer: starts from a corpus of valid and known-hostile inputs (the
/// seeds and every committed regression input), mutates them (bit flips, byte and token inserts,
/// deletions, duplications, splices, truncations) and feeds each result to a parser for a bounded
/// time, and at least `minimumInputs` inputs however busy the machine is. The parser must not crash
/// (that ends the test process), must not spend more than `slowInput` of CPU time on one input (CPU
/// time, not wall time: a loaded machine must not make a fast parser look slow), and must fail only
/// with its own typed error (checked by the body).
///
/// It is deterministic for a seed (`SHIKONG_FUZZ_SEED`, default fixed) so a failure reproduces;
/// `SHIKONG_FUZZ_SECONDS` sets the time per target (default 3). Slow inputs are written to
/// `.build/fuzz-findings/<target>/` to be committed under `Fixtures/fuzz-regressions/<target>/`.
struct Fuzzer {
    let target: String
    var seeds: [[UInt8]]
    /// Fragments worth inserting: the grammar's keywords and punctuation.
    var dictionary: [[UInt8]]
    var budget: Duration = .seconds(Double(ProcessInfo.processInfo.environment["SHIKONG_FUZZ_SECONDS"] ?? "") ?? 3)
    var slowInput: Duration = .seconds(1)
    var minimumInputs = 300
    var maximumLength = 64 * 1_024

    init(target: String, seeds: [String], dictionary: [String]) {
        self.target = target
        self.seeds = seeds.map { Array($0.utf8) } + Self.regressions(target)
        self.dictionary = dictionary.map { Array($0.utf8) }
    }

    /// Committed inputs that once broke a parser (or were made to): always run, and mutated too.
    static func regressions(_ target: String) -> [[UInt8]] {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/fuzz-regressions/\(target)")
        let files = (try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)) ?? []
        return files.sorted { $0.path < $1.path }.compactMap { try? Array(Data(contentsOf: $0)) }
    }

    /// Runs `body` on every seed, then on mutants until the budget is spent. Returns how many inputs ran.
    @discardableResult
    func run(_ body: ([UInt8]) -> Void) -> Int {
        let seed = UInt64(ProcessInfo.processInfo.environment["SHIKONG_FUZZ_SEED"] ?? "") ?? 0x5348_494B_4F4E_47
        var random = SplitMix(seed: seed ^ target.utf8.reduce(UInt64(0)) { $0 &* 31 &+ UInt64($1) })
        let clock = ContinuousClock()
        let deadline = clock.now + budget
        var count = 0
        var corpus = seeds
        func attempt(_ input: [UInt8]) {
            let started = Self.threadCPUTime()
            body(input)
            let took = Self.threadCPUTime() - started
            count += 1
            if took > slowInput {
                let file = save(input)
                Issue.record("\(target): one input took \(took) of CPU time (saved to \(file.path))")
            }
        }
        for input in seeds { attempt(input) }
        while clock.now < deadline || count < minimumInputs {
            var input = corpus[random.below(corpus.count)]
            for _ in 0...random.below(4) { input = mutate(input, corpus: corpus, random: &random) }
            if input.count > maximumLength { input = Array(input.prefix(maximumLength)) }
            attempt(input)
            // Keep a few mutants as new starting points, so mutations compound.
            if random.below(16) == 0 { corpus.append(input) }
            if corpus.count > 512 { corpus.removeSubrange(seeds.count..<(seeds.count + 128)) }
        }
        print("fuzz \(target): \(count) inputs in \(clock.now - (deadline - budget))")
        return count
    }

    /// CPU time this thread has used: what one input costs, whatever else the machine runs.
    static func threadCPUTime() -> Duration {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return .seconds(time.tv_sec) + .nanoseconds(time.tv_nsec)
    }

    private func mutate(_ input: [UInt8], corpus: [[UInt8]], random: inout SplitMix) -> [UInt8] {
        var bytes = input
        let position = bytes.isEmpty ? 0 : random.below(bytes.count + 1)
        switch random.below(9) {
        case 0 where !bytes.isEmpty:  // flip a bit
            let index = random.below(bytes.count)
            bytes[index] ^= UInt8(1 << random.below(8))
        case 1:  // a random byte
            bytes.insert(UInt8(truncatingIfNeeded: random.next()), at: position)
        case 2 where !bytes.isEmpty:  // delete a run
            let end = min(bytes.count, position + 1 + random.below(16))
            if position < end { bytes.removeSubrange(position..<end) }
        case 3 where !bytes.isEmpty:  // duplicate a run, sometimes many times
            let start = random.below(bytes.count)
            let run = Array(bytes[start..<min(bytes.count, start + 1 + random.below(32))])
            let times = random.below(8) == 0 ? 1 + random.below(400) : 1
            bytes.insert(contentsOf: Array([[UInt8]](repeating: run, count: times).joined()), at: position)
        case 4 where !dictionary.isEmpty, 5 where !dictionary.isEmpty:  // a grammar token
            bytes.insert(contentsOf: dictionary[random.below(dictionary.count)], at: position)
        case 6:  // splice with another input
            let other = corpus[random.below(corpus.count)]
            let cut = other.isEmpty ? 0 : random.below(other.count)
            bytes = Array(bytes.prefix(position)) + other.suffix(from: cut)
        case 7 where !bytes.isEmpty:  // truncate
            bytes = Array(bytes.prefix(position))
        default:  // an interesting byte: quote, backslash, NUL, high bytes of UTF-8
            let interesting: [UInt8] = [0x22, 0x5C, 0x00, 0x27, 0xFF, 0xC3, 0xE6, 0x80, 0x2D, 0x30, 0x7B, 0x5B, 0x28]
            bytes.insert(interesting[random.below(interesting.count)], at: position)
        }
        return bytes
    }

    private func save(_ input: [UInt8]) -> URL {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/fuzz-findings/\(target)")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent(String(format: "%016llx.bin", UInt64(truncatingIfNeeded: input.hashValue)))
        try? Data(input).write(to: file)
        return file
    }
}

/// splitmix64: small, fast and the same on every machine.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ bound: Int) -> Int { bound <= 1 ? 0 : Int(next() % UInt64(bound)) }
}

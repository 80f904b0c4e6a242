import Events
import Foundation
import Testing

@Suite("EventIDGenerator")
struct EventIDGeneratorTests {
    static let date = Date(timeIntervalSince1970: 1_795_586_400.123)

    @Test("ids are UUIDv7 with the RFC 4122 variant")
    func versionAndVariant() {
        let generator = EventIDGenerator()
        for _ in 0..<1_000 {
            let bytes = generator.next(at: Self.date).uuid
            #expect(bytes.6 >> 4 == 7)
            #expect(bytes.8 >> 6 == 0b10)
        }
    }

    @Test("ids made at the same instant are strictly increasing")
    func strictlyIncreasing() {
        let generator = EventIDGenerator()
        let ids = (0..<10_000).map { _ in generator.next(at: Self.date) }
        #expect(Set(ids).count == ids.count)
        for (previous, next) in zip(ids, ids.dropFirst()) {
            // uuidString is upper-case hex of the bytes in order, so it sorts like the bytes.
            #expect(previous.uuidString < next.uuidString, "\(previous) is not before \(next)")
        }
    }

    @Test("ids stay increasing when the clock goes back")
    func clockGoesBack() {
        let generator = EventIDGenerator()
        let later = generator.next(at: Self.date)
        let earlier = generator.next(at: Self.date.addingTimeInterval(-5))
        #expect(later.uuidString < earlier.uuidString)
    }

    @Test("version7Date recovers the millisecond")
    func recoversMillisecond() throws {
        let generator = EventIDGenerator()
        let id = generator.next(at: Self.date)
        let recovered = try #require(id.version7Date)
        #expect(Int64((recovered.timeIntervalSince1970 * 1_000).rounded()) == 1_795_586_400_123)
        #expect(Timestamp.format(recovered) == "2026-11-25T06:00:00.123Z")
    }

    @Test("a full millisecond spills into the next one")
    func counterOverflow() throws {
        let generator = EventIDGenerator()
        let ids = (0..<10_000).map { _ in generator.next(at: Self.date) }
        let first = try #require(ids.first?.version7Date)
        let last = try #require(ids.last?.version7Date)
        // A 12-bit counter allows at most 4,096 ids per millisecond, and it starts below 0x200,
        // so 10,000 ids span three milliseconds.
        #expect(Int64((last.timeIntervalSince(first) * 1_000).rounded()) == 2)
    }

    @Test("version7Date is nil for other versions")
    func otherVersions() throws {
        let v4 = try #require(UUID(uuidString: "7c9e6679-7425-40de-944b-e07fc1f90ae7"))
        #expect(v4.version7Date == nil)
    }

    @Test("reads event ids as UUID(uuidString:) does, in either case, and refuses whatever is not the canonical form")
    func canonicalText() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("0123456789abcdefABCDEFg-{} ")
        var texts = ["", "00000000-0000-0000-0000-000000000000", "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF", "01a24b3a-6f9f-7c84-bea1-2fb54f9e607b"]
        for _ in 0..<5_000 {
            let id = UUID().uuidString
            texts.append(Bool.random(using: &generator) ? id : id.lowercased())
            // One character replaced, removed or added: mostly malformed.
            var characters = Array(id)
            let position = Int.random(in: 0..<characters.count, using: &generator)
            switch Int.random(in: 0..<3, using: &generator) {
            case 0: characters[position] = alphabet.randomElement(using: &generator)!
            case 1: characters.remove(at: position)
            default: characters.insert(alphabet.randomElement(using: &generator)!, at: position)
            }
            texts.append(String(characters))
        }
        let canonical = /[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/
        for text in texts {
            if text.wholeMatch(of: canonical) != nil {
                #expect(UUID(canonical: text) != nil && UUID(canonical: text) == UUID(uuidString: text), "\(text)")
            } else {
                // Foundation's `sscanf` lets some of these through (a hex pair cut short by a hyphen).
                #expect(UUID(canonical: text) == nil, "\(text)")
            }
        }
    }

    @Test("the lower-case text form is Foundation's, lower-cased")
    func lowercasedString() {
        for _ in 0..<1_000 {
            let id = UUID()
            #expect(id.lowercasedString == id.uuidString.lowercased())
            #expect(UUID(canonical: id.lowercasedString) == id)
        }
    }
}

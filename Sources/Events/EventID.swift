import Foundation
import JSON
import Synchronization

/// Time-ordered event ids: UUIDv7 (RFC 9562). The 48-bit millisecond timestamp leads, and within one
/// millisecond a 12-bit counter keeps ids from one generator strictly increasing.
public final class EventIDGenerator: Sendable {
    public static let shared = EventIDGenerator()

    private let last = Mutex<(milliseconds: UInt64, counter: UInt16)>((0, 0))

    public init() {}

    public func next(at date: Date = Date()) -> UUID {
        var milliseconds = UInt64(max(0, Timestamp.epochMilliseconds(date)))
        let counter: UInt16 = last.withLock { last in
            if milliseconds <= last.milliseconds {
                milliseconds = last.milliseconds
                if last.counter >= 0x0FFF {
                    milliseconds += 1
                    last = (milliseconds, UInt16.random(in: 0...0x01FF))
                } else {
                    last.counter += 1
                }
            } else {
                last = (milliseconds, UInt16.random(in: 0...0x01FF))
            }
            return last.counter
        }
        var random = SystemRandomNumberGenerator()
        let tail = random.next() as UInt64
        let bytes: [UInt8] = [
            UInt8(truncatingIfNeeded: milliseconds >> 40), UInt8(truncatingIfNeeded: milliseconds >> 32),
            UInt8(truncatingIfNeeded: milliseconds >> 24), UInt8(truncatingIfNeeded: milliseconds >> 16),
            UInt8(truncatingIfNeeded: milliseconds >> 8), UInt8(truncatingIfNeeded: milliseconds),
            0x70 | UInt8(counter >> 8), UInt8(truncatingIfNeeded: counter),
            0x80 | UInt8(truncatingIfNeeded: tail >> 56 & 0x3F), UInt8(truncatingIfNeeded: tail >> 48),
            UInt8(truncatingIfNeeded: tail >> 40), UInt8(truncatingIfNeeded: tail >> 32),
            UInt8(truncatingIfNeeded: tail >> 24), UInt8(truncatingIfNeeded: tail >> 16),
            UInt8(truncatingIfNeeded: tail >> 8), UInt8(truncatingIfNeeded: tail),
        ]
        return UUID(
            uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
            ))
    }
}

extension EventIDGenerator {
    /// A UUIDv7 whose time is `date` (whole milliseconds) and whose other 74 bits are a hash of
    /// `content`: the same content at the same time always gives the same id. Used where a source may
    /// deliver one thing twice (MQTT QoS 1 redelivers after a crash), so every copy gets one id and
    /// every projection applies it once.
    public static func contentID(at date: Date, content: [UInt8]) -> UUID {
        let milliseconds = UInt64(max(0, Timestamp.epochMilliseconds(date)))
        let (high, low) = ContentHash.bits(content)
        let bytes: [UInt8] = [
            UInt8(truncatingIfNeeded: milliseconds >> 40), UInt8(truncatingIfNeeded: milliseconds >> 32),
            UInt8(truncatingIfNeeded: milliseconds >> 24), UInt8(truncatingIfNeeded: milliseconds >> 16),
            UInt8(truncatingIfNeeded: milliseconds >> 8), UInt8(truncatingIfNeeded: milliseconds),
            0x70 | UInt8(truncatingIfNeeded: high >> 60), UInt8(truncatingIfNeeded: high >> 52),
            0x80 | UInt8(truncatingIfNeeded: high >> 46 & 0x3F), UInt8(truncatingIfNeeded: high >> 38),
            UInt8(truncatingIfNeeded: low >> 40), UInt8(truncatingIfNeeded: low >> 32),
            UInt8(truncatingIfNeeded: low >> 24), UInt8(truncatingIfNeeded: low >> 16),
            UInt8(truncatingIfNeeded: low >> 8), UInt8(truncatingIfNeeded: low),
        ]
        return UUID(
            uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
            ))
    }
}

/// A fast, stable 128-bit content hash (two seeded FNV-1a passes): not cryptographic, but the same on
/// every machine and run, which is what content-derived ids and change detection need.
public enum ContentHash {
    public static func bits(_ bytes: [UInt8]) -> (UInt64, UInt64) {
        (fnv1a(bytes, seed: 0xcbf2_9ce4_8422_2325), fnv1a(bytes, seed: 0x8422_2325_cbf2_9ce4 ^ UInt64(bytes.count)))
    }

    /// 32 hexadecimal digits.
    public static func hex(_ bytes: [UInt8]) -> String {
        let (high, low) = bits(bytes)
        let text = String(high, radix: 16) + "-" + String(low, radix: 16)
        return text.split(separator: "-").map { String(repeating: "0", count: 16 - $0.count) + $0 }.joined()
    }

    private static func fnv1a(_ bytes: [UInt8], seed: UInt64) -> UInt64 {
        var hash = seed
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }
}

extension UUID {
    /// The millisecond timestamp of a UUIDv7, or `nil` for other versions.
    public var version7Date: Date? {
        let bytes = uuid
        guard bytes.6 >> 4 == 7 else { return nil }
        let milliseconds = [bytes.0, bytes.1, bytes.2, bytes.3, bytes.4, bytes.5].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return Date(timeIntervalSince1970: Double(milliseconds) / 1_000)
    }
}

extension UUID {
    /// The canonical text form in lower case (`uuidString.lowercased()`), written directly: every
    /// event's `ce_id` header is made this way.
    public var lowercasedString: String {
        withUnsafeBytes(of: uuid) { bytes in
            String(unsafeUninitializedCapacity: 36) { text in
                var index = 0
                for (position, byte) in bytes.enumerated() {
                    if position == 4 || position == 6 || position == 8 || position == 10 {
                        text[index] = UInt8(ascii: "-")
                        index += 1
                    }
                    text[index] = HexDigit.lowercase(byte >> 4)
                    text[index + 1] = HexDigit.lowercase(byte & 0x0f)
                    index += 2
                }
                return index
            }
        }
    }

    /// Reads the canonical text form (`8-4-4-4-12` hexadecimal digits, either case), as
    /// `UUID(uuidString:)` does and nothing else. Every event id is read this way; Foundation's
    /// reads it with `sscanf`, which cost 3 % of a rebuild.
    public init?(canonical text: String) {
        var text = text
        guard let bytes = text.withUTF8({ Self.parseCanonical($0) }) else { return nil }
        self.init(uuid: bytes)
    }

    private static func parseCanonical(_ text: UnsafeBufferPointer<UInt8>) -> uuid_t? {
        guard text.count == 36 else { return nil }
        var uuid: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        let valid = withUnsafeMutableBytes(of: &uuid) { bytes in
            var index = 0
            for position in 0..<16 {
                if index == 8 || index == 13 || index == 18 || index == 23 {
                    guard text[index] == UInt8(ascii: "-") else { return false }
                    index += 1
                }
                guard let high = HexDigit.value(text[index]), let low = HexDigit.value(text[index + 1]) else { return false }
                bytes[position] = high << 4 | low
                index += 2
            }
            return true
        }
        return valid ? uuid : nil
    }
}

import JSON

/// A path pattern of an `Allow` or `Disallow` line, matched as Google's robots.txt parser and
/// RFC 9309 do: from the start of the path (with its query), `*` for any run of characters, `$` at
/// the end for the end of the path; compared byte for byte after percent-encoding is made uniform.
struct RobotsPattern: Sendable, Hashable {
    /// The pattern's bytes, non-ASCII bytes percent-encoded and `%xx` upper-cased.
    let bytes: [UInt8]

    init(_ text: String) {
        bytes = Self.normalise(text)
    }

    /// The pattern's length, by which the longest matching rule wins.
    var length: Int { bytes.count }

    /// Whether the pattern matches `path` (already normalised, see `normalise`). Keeps the set of
    /// positions in the path the pattern so far can end at: linear in path × pattern, whatever the
    /// pattern (no backtracking blow-up on `/*a*a*a*a`).
    func matches(_ path: [UInt8]) -> Bool {
        var positions = [0]
        for (index, byte) in bytes.enumerated() {
            if byte == UInt8(ascii: "$"), index == bytes.count - 1 {
                return positions.last == path.count
            }
            if byte == UInt8(ascii: "*") {
                guard let first = positions.first else { return false }
                positions = Array(first...path.count)
                continue
            }
            var next: [Int] = []
            next.reserveCapacity(positions.count)
            for position in positions where position < path.count && path[position] == byte {
                next.append(position + 1)
            }
            if next.isEmpty { return false }
            positions = next
        }
        return true
    }

    /// Percent-encodes bytes outside ASCII and upper-cases the hex digits of existing escapes, so
    /// `/ü`, `/%c3%bc` and `/%C3%BC` compare equal; `*` and `$` stay as they are.
    static func normalise(_ text: String) -> [UInt8] {
        let input = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(input.count)
        var index = 0
        while index < input.count {
            let byte = input[index]
            if byte == UInt8(ascii: "%"), index + 2 < input.count, isHex(input[index + 1]), isHex(input[index + 2]) {
                output.append(byte)
                output.append(upper(input[index + 1]))
                output.append(upper(input[index + 2]))
                index += 3
                continue
            }
            if byte >= 0x80 || byte <= 0x20 {
                output.append(UInt8(ascii: "%"))
                output.append(hexDigit(byte >> 4))
                output.append(hexDigit(byte & 0x0F))
            } else {
                output.append(byte)
            }
            index += 1
        }
        return output
    }

    private static func isHex(_ byte: UInt8) -> Bool { HexDigit.value(byte) != nil }

    private static func upper(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte) ? byte - 32 : byte
    }

    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "A") + value - 10
    }
}

import Foundation

/// A minimal ISO WKB walker for tests: the type code and every position, flattened in order.
struct WKBCoordinates {
    var type: UInt32
    var positions: [[Double]]

    struct Malformed: Error {}

    init(_ wkb: Data) throws {
        var reader = Reader(bytes: [UInt8](wkb))
        var positions: [[Double]] = []
        type = try reader.geometry(into: &positions)
        self.positions = positions
        guard reader.offset == reader.bytes.count else { throw Malformed() }
    }

    private struct Reader {
        let bytes: [UInt8]
        var offset = 0
        var littleEndian = true

        mutating func uint32() throws -> UInt32 {
            guard offset + 4 <= bytes.count else { throw Malformed() }
            let slice = bytes[offset..<offset + 4].map(UInt32.init)
            offset += 4
            return littleEndian
                ? slice[0] | slice[1] << 8 | slice[2] << 16 | slice[3] << 24
                : slice[3] | slice[2] << 8 | slice[1] << 16 | slice[0] << 24
        }

        mutating func double() throws -> Double {
            guard offset + 8 <= bytes.count else { throw Malformed() }
            var bits: UInt64 = 0
            for index in 0..<8 {
                let byte = UInt64(bytes[offset + (littleEndian ? index : 7 - index)])
                bits |= byte << (8 * UInt64(index))
            }
            offset += 8
            return Double(bitPattern: bits)
        }

        mutating func geometry(into positions: inout [[Double]]) throws -> UInt32 {
            guard offset < bytes.count else { throw Malformed() }
            littleEndian = bytes[offset] == 1
            offset += 1
            let code = try uint32()
            let base = code % 1000
            let dimensions = 2 + (code / 1000 == 1 || code / 1000 == 3 ? 1 : 0) + (code / 1000 >= 2 ? 1 : 0)
            switch base {
            case 1:
                positions.append(try (0..<dimensions).map { _ in try double() })
            case 2, 8:
                let count = try uint32()
                for _ in 0..<count { positions.append(try (0..<dimensions).map { _ in try double() }) }
            case 3:
                let rings = try uint32()
                for _ in 0..<rings {
                    let count = try uint32()
                    for _ in 0..<count { positions.append(try (0..<dimensions).map { _ in try double() }) }
                }
            default:
                let parts = try uint32()
                for _ in 0..<parts { _ = try geometry(into: &positions) }
            }
            return code
        }
    }
}

extension Array where Element == [Double] {
    /// The largest difference between matching x and y (and z when both have it).
    func maximumDifference(from other: [[Double]]) -> Double {
        guard count == other.count else { return .infinity }
        return zip(self, other).map { pair in
            zip(pair.0, pair.1).prefix(3).map { abs($0 - $1) }.max() ?? 0
        }.max() ?? 0
    }
}

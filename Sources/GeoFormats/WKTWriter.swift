import Foundation

/// ISO WKT from ISO WKB, with every coordinate in the shortest text that reads back to the same
/// double (GDAL 3.6 writes 15 significant digits, which does not round-trip).
enum WKTWriter {
    struct Malformed: Error {}

    static func wkt(from wkb: Data) throws(Malformed) -> String {
        var reader = WKBReader(bytes: wkb)
        var out = ""
        try reader.geometry(into: &out)
        return out
    }

    /// Shortest round-trip text of a coordinate, without a trailing `.0`.
    static func number(_ value: Double) -> String {
        let text = value.description
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }

    private static let names: [UInt32: String] = [
        1: "POINT", 2: "LINESTRING", 3: "POLYGON", 4: "MULTIPOINT", 5: "MULTILINESTRING", 6: "MULTIPOLYGON", 7: "GEOMETRYCOLLECTION",
        8: "CIRCULARSTRING", 9: "COMPOUNDCURVE", 10: "CURVEPOLYGON", 11: "MULTICURVE", 12: "MULTISURFACE", 15: "POLYHEDRALSURFACE",
        16: "TIN", 17: "TRIANGLE",
    ]

    private struct WKBReader {
        let bytes: Data
        var offset: Int
        var littleEndian = true

        init(bytes: Data) {
            self.bytes = bytes
            self.offset = bytes.startIndex
        }

        mutating func uint32() throws(Malformed) -> UInt32 {
            guard offset + 4 <= bytes.endIndex else { throw Malformed() }
            var value: UInt32 = 0
            for index in 0..<4 {
                let byte = UInt32(bytes[offset + (littleEndian ? index : 3 - index)])
                value |= byte << (8 * UInt32(index))
            }
            offset += 4
            return value
        }

        mutating func double() throws(Malformed) -> Double {
            guard offset + 8 <= bytes.endIndex else { throw Malformed() }
            var bits: UInt64 = 0
            for index in 0..<8 {
                let byte = UInt64(bytes[offset + (littleEndian ? index : 7 - index)])
                bits |= byte << (8 * UInt64(index))
            }
            offset += 8
            return Double(bitPattern: bits)
        }

        mutating func position(_ dimensions: Int, into out: inout String) throws(Malformed) {
            for index in 0..<dimensions {
                if index > 0 { out += " " }
                out += WKTWriter.number(try double())
            }
        }

        /// `(x y, x y, …)`
        mutating func points(_ dimensions: Int, into out: inout String) throws(Malformed) {
            let count = try uint32()
            guard count > 0 else {
                out += "EMPTY"
                return
            }
            out += "("
            for index in 0..<count {
                if index > 0 { out += "," }
                try position(dimensions, into: &out)
            }
            out += ")"
        }

        /// Which member types go without their name inside a container (ISO 19125 / SQL-MM WKT).
        private static let untaggedMembers: [UInt32: Set<UInt32>] = [
            4: [1], 5: [2], 6: [3], 9: [2], 10: [2], 11: [2], 12: [3], 15: [3], 16: [17],
        ]

        mutating func geometry(into out: inout String, parent: UInt32? = nil) throws(Malformed) {
            guard offset < bytes.endIndex else { throw Malformed() }
            littleEndian = bytes[offset] == 1
            offset += 1
            var code = try uint32()
            // Also accept EWKB and OGR 2.5D flags.
            var hasZ = code & 0x8000_0000 != 0
            var hasM = code & 0x4000_0000 != 0
            if code & 0x2000_0000 != 0 { _ = try uint32() }  // EWKB SRID
            code &= 0x0FFF_FFFF
            hasZ = hasZ || code / 1000 == 1 || code / 1000 == 3
            hasM = hasM || code / 1000 == 2 || code / 1000 == 3
            let base = code % 1000
            guard let name = WKTWriter.names[base] else { throw Malformed() }
            let dimensions = 2 + (hasZ ? 1 : 0) + (hasM ? 1 : 0)
            let tagged = parent.map { !(Self.untaggedMembers[$0]?.contains(base) ?? false) } ?? true
            if tagged {
                out += name
                out += hasZ && hasM ? " ZM " : hasZ ? " Z " : hasM ? " M " : " "
            }
            switch base {
            case 1:
                var coordinates: [Double] = []
                for _ in 0..<dimensions { coordinates.append(try double()) }
                if coordinates.allSatisfy(\.isNaN) {
                    out += "EMPTY"
                } else {
                    out += "(" + coordinates.map(WKTWriter.number).joined(separator: " ") + ")"
                }
            case 2, 8:
                try points(dimensions, into: &out)
            case 3, 17:
                let rings = try uint32()
                guard rings > 0 else {
                    out += "EMPTY"
                    return
                }
                out += "("
                for index in 0..<rings {
                    if index > 0 { out += "," }
                    try points(dimensions, into: &out)
                }
                out += ")"
            default:
                let parts = try uint32()
                guard parts > 0 else {
                    out += "EMPTY"
                    return
                }
                out += "("
                for index in 0..<parts {
                    if index > 0 { out += "," }
                    try geometry(into: &out, parent: base)
                }
                out += ")"
            }
        }
    }
}

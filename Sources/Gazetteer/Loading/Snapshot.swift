import Foundation

/// The engine snapshot: the gazetteer's data (character tables, divisions, boundaries, address
/// points, aliases) in a compact binary file; loading it rebuilds the indexes. Boundaries are stored
/// as 1e-7° integers (about 1 cm).
public enum GazetteerSnapshot {
    static let magic = Array("SKGZ".utf8)
    static let version: UInt8 = 2

    /// Serialises a gazetteer.
    public static func encode(_ gazetteer: Gazetteer) -> Data {
        var writer = BinaryWriter()
        writer.bytes(magic)
        writer.byte(version)
        let tables = gazetteer.characters
        writer.varint(tables.simplified.count)
        for (from, to) in tables.simplified.sorted(by: { $0.key < $1.key }) {
            writer.varint(Int(from))
            writer.varint(Int(to))
        }
        writer.varint(tables.syllables.count)
        for syllable in tables.syllables { writer.string(syllable) }
        writer.varint(tables.pinyin.count)
        for (scalar, syllable) in tables.pinyin.sorted(by: { $0.key < $1.key }) {
            writer.varint(Int(scalar))
            writer.varint(Int(syllable))
        }
        writer.varint(tables.otherReadings.count)
        for (scalar, readings) in tables.otherReadings.sorted(by: { $0.key < $1.key }) {
            writer.varint(Int(scalar))
            writer.varint(readings.count)
            for reading in readings { writer.varint(Int(reading)) }
        }
        writer.varint(gazetteer.divisions.count)
        for division in gazetteer.divisions {
            writer.string(division.code)
            writer.byte(UInt8(division.level.rawValue))
            writer.optionalString(division.parentCode)
            writer.validity(division.validity)
            writer.varint(division.names.count)
            for name in division.names {
                writer.string(name.name)
                writer.optionalString(name.shortName)
                writer.validity(name.validity)
            }
            writer.optionalPoint(division.center)
        }
        writer.varint(gazetteer.boundaries.count)
        for (code, boundary) in gazetteer.boundaries.sorted(by: { $0.key < $1.key }) {
            writer.string(code)
            writer.varint(boundary.polygons.count)
            for polygon in boundary.polygons {
                writer.varint(polygon.count)
                for ring in polygon {
                    writer.varint(ring.count)
                    var previous = (Int64(0), Int64(0))
                    for point in ring {
                        let current = (Int64((point.lon * 1e7).rounded()), Int64((point.lat * 1e7).rounded()))
                        writer.signed(current.0 - previous.0)
                        writer.signed(current.1 - previous.1)
                        previous = current
                    }
                }
            }
        }
        writer.varint(gazetteer.addressPoints.count)
        for point in gazetteer.addressPoints {
            writer.string(point.id)
            writer.string(point.standardAddress)
            writer.optionalString(point.name)
            writer.double(point.point.lon)
            writer.double(point.point.lat)
            writer.optionalString(point.divisionCode)
            writer.optionalString(point.road)
            writer.optionalString(point.number)
            writer.validity(point.validity)
        }
        // Names of address points are re-derived when the points load.
        let derived = Set(gazetteer.addressPoints.compactMap { point in point.name.map { "\(point.id)\u{1F}\($0)" } })
        let aliases = gazetteer.aliases.values.filter { alias in
            if case .addressPoint(let id) = alias.target, alias.kind == .address, derived.contains("\(id)\u{1F}\(alias.text)") {
                return false
            }
            return true
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let aliasData = (try? encoder.encode(aliases.sorted { ($0.kind.rawValue, $0.text) < ($1.kind.rawValue, $1.text) })) ?? Data("[]".utf8)
        writer.varint(aliasData.count)
        writer.bytes(Array(aliasData))
        return Data(writer.buffer)
    }

    /// Reads a snapshot and rebuilds the indexes.
    public static func decode(_ data: Data) throws(GazetteerLoadError) -> Gazetteer {
        var reader = BinaryReader(bytes: [UInt8](data))
        do {
            guard try reader.bytes(4) == magic else { throw GazetteerLoadError("not a Shikong gazetteer snapshot") }
            let fileVersion = try reader.byte()
            guard fileVersion == version else {
                throw GazetteerLoadError("snapshot version \(fileVersion), expected \(version): run shikong gazetteer load")
            }
            var tables = CharacterTables()
            for _ in 0..<(try reader.varint()) {
                let from = UInt32(try reader.varint())
                tables.simplified[from] = UInt32(try reader.varint())
            }
            for _ in 0..<(try reader.varint()) { tables.syllables.append(try reader.string()) }
            for _ in 0..<(try reader.varint()) {
                let scalar = UInt32(try reader.varint())
                tables.pinyin[scalar] = UInt16(try reader.varint())
            }
            for _ in 0..<(try reader.varint()) {
                let scalar = UInt32(try reader.varint())
                var readings: [UInt16] = []
                for _ in 0..<(try reader.varint()) { readings.append(UInt16(try reader.varint())) }
                tables.otherReadings[scalar] = readings
            }
            var gazetteer = Gazetteer(characters: tables)
            for _ in 0..<(try reader.varint()) {
                let code = try reader.string()
                guard let level = AdminLevel(rawValue: Int(try reader.byte())) else { throw GazetteerLoadError("bad level") }
                let parent = try reader.optionalString()
                let validity = try reader.validity()
                var names: [DivisionName] = []
                for _ in 0..<(try reader.varint()) {
                    names.append(DivisionName(name: try reader.string(), shortName: try reader.optionalString(), validity: try reader.validity()))
                }
                let center = try reader.optionalPoint()
                gazetteer.apply(
                    .divisionUpserted(Division(code: code, level: level, parentCode: parent, names: names, validity: validity, center: center)))
            }
            for _ in 0..<(try reader.varint()) {
                let code = try reader.string()
                var polygons: [[[GeoPoint]]] = []
                for _ in 0..<(try reader.varint()) {
                    var rings: [[GeoPoint]] = []
                    for _ in 0..<(try reader.varint()) {
                        let count = try reader.varint()
                        var ring: [GeoPoint] = []
                        ring.reserveCapacity(count)
                        var x: Int64 = 0
                        var y: Int64 = 0
                        for _ in 0..<count {
                            x += try reader.signed()
                            y += try reader.signed()
                            ring.append(GeoPoint(lon: Double(x) / 1e7, lat: Double(y) / 1e7))
                        }
                        rings.append(ring)
                    }
                    polygons.append(rings)
                }
                let center = gazetteer.division(code: code)?.center
                gazetteer.apply(.boundarySet(code: code, boundary: Boundary(polygons: polygons)))
                if let center { gazetteer.apply(.centerSet(code: code, point: center)) }
            }
            for _ in 0..<(try reader.varint()) {
                let point = AddressPoint(
                    id: try reader.string(), standardAddress: try reader.string(), name: try reader.optionalString(),
                    point: GeoPoint(lon: try reader.double(), lat: try reader.double()), divisionCode: try reader.optionalString(),
                    road: try reader.optionalString(), number: try reader.optionalString(), validity: try reader.validity())
                gazetteer.apply(.addressPointUpserted(point))
            }
            let aliasData = Data(try reader.bytes(try reader.varint()))
            guard let aliases = try? JSONDecoder().decode([Alias].self, from: aliasData) else { throw GazetteerLoadError("bad alias section") }
            for alias in aliases { gazetteer.apply(.aliasAdded(alias)) }
            return gazetteer
        } catch let error as GazetteerLoadError {
            throw error
        } catch {
            throw GazetteerLoadError("truncated snapshot")
        }
    }
}

struct BinaryWriter {
    var buffer: [UInt8] = []

    mutating func byte(_ value: UInt8) { buffer.append(value) }
    mutating func bytes(_ values: [UInt8]) { buffer.append(contentsOf: values) }

    mutating func varint(_ value: Int) {
        var remaining = UInt64(value)
        while remaining >= 0x80 {
            buffer.append(UInt8(remaining & 0x7F) | 0x80)
            remaining >>= 7
        }
        buffer.append(UInt8(remaining))
    }

    mutating func signed(_ value: Int64) { varint(Int(bitPattern: UInt(bitPattern: Int((value << 1) ^ (value >> 63))))) }

    mutating func double(_ value: Double) {
        withUnsafeBytes(of: value.bitPattern.littleEndian) { buffer.append(contentsOf: $0) }
    }

    mutating func string(_ value: String) {
        let utf8 = Array(value.utf8)
        varint(utf8.count)
        buffer.append(contentsOf: utf8)
    }

    mutating func optionalString(_ value: String?) {
        if let value {
            byte(1)
            string(value)
        } else {
            byte(0)
        }
    }

    mutating func validity(_ value: Validity) {
        varint(Int(value.from?.ordinal ?? 0))
        varint(Int(value.to?.ordinal ?? 0))
    }

    mutating func optionalPoint(_ value: GeoPoint?) {
        if let value {
            byte(1)
            double(value.lon)
            double(value.lat)
        } else {
            byte(0)
        }
    }
}

struct BinaryReader {
    struct Truncated: Error {}
    let bytes: [UInt8]
    var offset = 0

    mutating func byte() throws -> UInt8 {
        guard offset < bytes.count else { throw Truncated() }
        offset += 1
        return bytes[offset - 1]
    }

    mutating func bytes(_ count: Int) throws -> [UInt8] {
        guard count >= 0, offset + count <= bytes.count else { throw Truncated() }
        offset += count
        return Array(bytes[(offset - count)..<offset])
    }

    mutating func varint() throws -> Int {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let next = try byte()
            result |= UInt64(next & 0x7F) << shift
            if next < 0x80 { break }
            shift += 7
            guard shift < 64 else { throw Truncated() }
        }
        return Int(truncatingIfNeeded: result)
    }

    mutating func signed() throws -> Int64 {
        let raw = UInt64(truncatingIfNeeded: try varint())
        return Int64(bitPattern: raw >> 1) ^ -Int64(bitPattern: raw & 1)
    }

    mutating func double() throws -> Double {
        let raw = try bytes(8)
        var bits: UInt64 = 0
        for (index, byte) in raw.enumerated() { bits |= UInt64(byte) << (8 * UInt64(index)) }
        return Double(bitPattern: bits)
    }

    mutating func string() throws -> String {
        String(decoding: try bytes(try varint()), as: UTF8.self)
    }

    mutating func optionalString() throws -> String? {
        try byte() == 1 ? try string() : nil
    }

    mutating func validity() throws -> Validity {
        let from = try varint()
        let to = try varint()
        return Validity(
            from: from == 0 ? nil : GazetteerDate(year: from / 10_000, month: from / 100 % 100, day: from % 100),
            to: to == 0 ? nil : GazetteerDate(year: to / 10_000, month: to / 100 % 100, day: to % 100))
    }

    mutating func optionalPoint() throws -> GeoPoint? {
        try byte() == 1 ? GeoPoint(lon: try double(), lat: try double()) : nil
    }
}

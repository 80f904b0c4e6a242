import Events
import Foundation
import Kafka

/// The fields of a spatialised event that windows and rules use, read straight from the record's
/// value with a scanner that materialises nothing else (a full decode costs ten times more, and the
/// aggregator reads every event): the envelope (id, type, subject, time), the position, sensor,
/// theme and values. The spatialiser writes the envelope into the JSON and into the `ce_*` headers
/// alike; the headers are read only when the JSON lacks a field, so a record is parsed once.
public struct SpatialEventFields: Sendable {
    public var id: String
    public var type: String
    public var subject: String
    /// Event time, milliseconds since 1970.
    public var time: Int64
    public var longitude: Double
    public var latitude: Double
    public var sensorID: String?
    public var theme: String?
    /// Values by name, in the order the event lists them.
    public var values: [(name: String, value: Double)]

    /// Reads a record of a spatialised topic; throws the reason for a dead letter.
    public init(_ message: KafkaMessage) throws(EventDecodingError) {
        let scanned = message.value.withUnsafeBytes { buffer in
            var scanner = EventValueScanner(bytes: buffer)
            return scanner.scan()
        }
        try self.init(scanned: scanned, header: message.header)
    }

    /// Reads a record in place, as `init(_:)` does, without copying its value.
    public init(_ record: KafkaRecordView) throws(EventDecodingError) {
        let scanned = record.withValue { buffer in
            var scanner = EventValueScanner(bytes: buffer)
            return scanner.scan()
        }
        try self.init(scanned: scanned, header: record.header)
    }

    private init(scanned: EventValueScanner.Scanned?, header: (String) -> String?) throws(EventDecodingError) {
        guard let scanned else {
            throw EventDecodingError("the value is not a spatialised event with space.geometry.coordinates [longitude, latitude]")
        }
        guard let id = scanned.id ?? header("ce_id"), let type = scanned.type ?? header("ce_type"),
            let subject = scanned.subject ?? header("ce_subject")
        else {
            throw EventDecodingError("envelope headers ce_id, ce_type, ce_subject and ce_time are required")
        }
        if let invalid = scanned.invalidTime {
            throw EventDecodingError("occurred_at \(invalid) is not RFC 3339")
        } else if let time = scanned.time {
            self.time = time
        } else {
            guard let text = header("ce_time") else {
                throw EventDecodingError("envelope headers ce_id, ce_type, ce_subject and ce_time are required")
            }
            guard let date = Timestamp.parse(text) else { throw EventDecodingError("ce_time \(text) is not RFC 3339") }
            self.time = Timestamp.epochMilliseconds(date)
        }
        self.id = id
        self.type = type
        self.subject = subject
        longitude = scanned.longitude
        latitude = scanned.latitude
        sensorID = scanned.sensorID
        theme = scanned.theme
        values = scanned.values
    }

    public init(
        id: String, type: String, subject: String, time: Int64, longitude: Double, latitude: Double, sensorID: String?, theme: String?,
        values: [(name: String, value: Double)]
    ) {
        self.id = id
        self.type = type
        self.subject = subject
        self.time = time
        self.longitude = longitude
        self.latitude = latitude
        self.sensorID = sensorID
        self.theme = theme
        self.values = values
    }

    /// The value called `name`, if the event has one.
    public func value(_ name: String) -> Double? {
        values.first { $0.name == name }?.value
    }
}

/// Walks the JSON of a spatialised event once, keeping `space.geometry.coordinates`,
/// `data.sensor_id`, `data.values` and `attributes.theme`, skipping everything else.
struct EventValueScanner {
    let bytes: UnsafeRawBufferPointer
    var index: Int

    init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
        self.index = 0
    }

    struct Scanned {
        var id: String?
        var type: String?
        var subject: String?
        /// `occurred_at`, milliseconds since 1970.
        var time: Int64?
        /// An `occurred_at` that is not RFC 3339.
        var invalidTime: String?
        var longitude: Double
        var latitude: Double
        var sensorID: String?
        var theme: String?
        var values: [(name: String, value: Double)]
    }

    /// `nil` when the value is not JSON, or has no `space.geometry.coordinates`, or a field this
    /// reads is malformed (an `occurred_at` that is not RFC 3339).
    mutating func scan() -> Scanned? {
        var id: String?
        var type: String?
        var subject: String?
        var time: Int64?
        var invalidTime: String?
        var longitude = 0.0
        var latitude = 0.0
        var located = false
        var sensorID: String?
        var theme: String?
        var values: [(name: String, value: Double)] = []
        let done = object { scanner, key in
            if key == "space" {
                return scanner.object { scanner, key in
                    guard key == "geometry" else { return scanner.skipValue() }
                    return scanner.object { scanner, key in
                        guard key == "coordinates" else { return scanner.skipValue() }
                        located = scanner.position(&longitude, &latitude)
                        return located
                    }
                }
            } else if key == "data" {
                return scanner.object { scanner, key in
                    if key == "sensor_id" {
                        sensorID = scanner.string()
                        return sensorID != nil
                    } else if key == "values" {
                        return scanner.object { scanner, name in
                            guard let number = scanner.number() else { return scanner.skipValue() }
                            values.append((name.string, number))
                            return true
                        }
                    }
                    return scanner.skipValue()
                }
            } else if key == "attributes" {
                return scanner.object { scanner, key in
                    guard key == "theme" else { return scanner.skipValue() }
                    theme = scanner.string()
                    return theme != nil
                }
            } else if key == "id" {
                guard let text = scanner.string() else { return false }
                // As `ce_id` writes it: Foundation's encoder writes a UUID in capitals.
                id = text.utf8.contains { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") } ? text.lowercased() : text
                return true
            } else if key == "type" {
                type = scanner.string()
                return type != nil
            } else if key == "subject" {
                subject = scanner.string()
                return subject != nil
            } else if key == "occurred_at" {
                guard let bounds = scanner.stringBounds() else { return false }
                let text = UnsafeRawBufferPointer(rebasing: scanner.bytes[bounds.range])
                time = bounds.escaped ? nil : Timestamp.parse(utf8: text).map(Timestamp.epochMilliseconds)
                if time == nil { invalidTime = Key(bytes: text, escaped: bounds.escaped).string }
                return true
            }
            return scanner.skipValue()
        }
        guard done, located else { return nil }
        return Scanned(
            id: id, type: type, subject: subject, time: time, invalidTime: invalidTime, longitude: longitude, latitude: latitude,
            sensorID: sensorID, theme: theme, values: values)
    }

    // MARK: - Tokens

    private mutating func skipWhitespace() {
        while index < bytes.endIndex {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func take(_ byte: UInt8) -> Bool {
        skipWhitespace()
        guard index < bytes.endIndex, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    /// An object, calling `member` with each key (the scanner positioned at its value); `member`
    /// returns false on a malformed value. Keys stay in the record's bytes: most are only compared.
    mutating func object(_ member: (inout EventValueScanner, Key) -> Bool) -> Bool {
        guard take(UInt8(ascii: "{")) else { return false }
        if take(UInt8(ascii: "}")) { return true }
        while true {
            skipWhitespace()
            guard let key = stringBounds(), take(UInt8(ascii: ":")) else { return false }
            guard member(&self, Key(bytes: UnsafeRawBufferPointer(rebasing: bytes[key.range]), escaped: key.escaped)) else { return false }
            if take(UInt8(ascii: ",")) { continue }
            return take(UInt8(ascii: "}"))
        }
    }

    /// An object key, not yet copied out of the record.
    struct Key {
        let bytes: UnsafeRawBufferPointer
        let escaped: Bool

        /// The key as a string, its escapes decoded.
        var string: String {
            guard escaped else { return String(decoding: bytes, as: UTF8.self) }
            let literal = Data([UInt8(ascii: "\"")] + Array(bytes) + [UInt8(ascii: "\"")])
            return (try? JSONSerialization.jsonObject(with: literal, options: [.fragmentsAllowed])) as? String ?? ""
        }

        static func == (key: Key, name: StaticString) -> Bool {
            if key.escaped { return key.string == name.description }
            // Keys are short: a loop beats a call to memcmp.
            return name.withUTF8Buffer { expected in
                guard expected.count == key.bytes.count else { return false }
                for index in 0..<expected.count where expected[index] != key.bytes[index] { return false }
                return true
            }
        }
    }

    /// An array of at least two numbers, the first two kept: a position's longitude and latitude
    /// (a height, if any, is read and left).
    mutating func position(_ longitude: inout Double, _ latitude: inout Double) -> Bool {
        guard take(UInt8(ascii: "[")) else { return false }
        var count = 0
        if take(UInt8(ascii: "]")) { return false }
        while true {
            guard let value = number() else { return false }
            if count == 0 { longitude = value } else if count == 1 { latitude = value }
            count += 1
            if take(UInt8(ascii: ",")) { continue }
            return take(UInt8(ascii: "]")) && count >= 2
        }
    }

    /// A string without escapes is sliced directly; one with escapes goes through JSONSerialization.
    mutating func string() -> String? {
        guard let bounds = stringBounds() else { return nil }
        return Key(bytes: UnsafeRawBufferPointer(rebasing: bytes[bounds.range]), escaped: bounds.escaped).string
    }

    /// The bytes between the quotes of the string at the position, which it passes; `nil` when
    /// there is no complete string there.
    mutating func stringBounds() -> (range: Range<Int>, escaped: Bool)? {
        skipWhitespace()
        guard index < bytes.endIndex, bytes[index] == UInt8(ascii: "\"") else { return nil }
        let start = index + 1
        // Most strings have no escape: find the closing quote and check for a backslash before it
        // with memchr, which reads many bytes at a time.
        if let base = bytes.baseAddress, start < bytes.endIndex, let quote = memchr(base + start, 0x22, bytes.endIndex - start) {
            let end = base.distance(to: UnsafeRawPointer(quote))
            if memchr(base + start, 0x5C, end - start) == nil {
                index = end + 1
                return (start..<end, false)
            }
        }
        var cursor = start
        var escaped = false
        while cursor < bytes.endIndex {
            let byte = bytes[cursor]
            if byte == UInt8(ascii: "\\") {
                escaped = true
                cursor += 2
                continue
            }
            if byte == UInt8(ascii: "\"") {
                index = cursor + 1
                return (start..<cursor, escaped)
            }
            cursor += 1
        }
        return nil
    }

    /// A number; `nil` (and the position unchanged) when the value is not a number.
    mutating func number() -> Double? {
        skipWhitespace()
        let start = index
        var cursor = index
        var negative = false
        if cursor < bytes.endIndex, bytes[cursor] == UInt8(ascii: "-") {
            negative = true
            cursor += 1
        }
        var mantissa: UInt64 = 0
        var digits = 0
        var scale = 0
        var simple = true
        while cursor < bytes.endIndex, bytes[cursor] >= 0x30, bytes[cursor] <= 0x39 {
            if digits < 19 { mantissa = mantissa * 10 + UInt64(bytes[cursor] - 0x30) } else { simple = false }
            digits += 1
            cursor += 1
        }
        guard digits > 0 else { return nil }
        if cursor < bytes.endIndex, bytes[cursor] == UInt8(ascii: ".") {
            cursor += 1
            var fraction = 0
            while cursor < bytes.endIndex, bytes[cursor] >= 0x30, bytes[cursor] <= 0x39 {
                if digits < 19 {
                    mantissa = mantissa * 10 + UInt64(bytes[cursor] - 0x30)
                    scale += 1
                } else {
                    simple = false
                }
                digits += 1
                fraction += 1
                cursor += 1
            }
            guard fraction > 0 else { return nil }
        }
        if cursor < bytes.endIndex, bytes[cursor] == UInt8(ascii: "e") || bytes[cursor] == UInt8(ascii: "E") {
            simple = false
            cursor += 1
            if cursor < bytes.endIndex, bytes[cursor] == UInt8(ascii: "+") || bytes[cursor] == UInt8(ascii: "-") { cursor += 1 }
            while cursor < bytes.endIndex, bytes[cursor] >= 0x30, bytes[cursor] <= 0x39 { cursor += 1 }
        }
        index = cursor
        // Exact when the mantissa and the power of ten are both exact doubles: one correctly rounded division.
        if simple, mantissa < (1 << 53), scale <= 22 {
            let value = Double(mantissa) / Self.powersOfTen[scale]
            return negative ? -value : value
        }
        return Double(String(decoding: bytes[start..<cursor], as: UTF8.self))
    }

    private static let powersOfTen: [Double] = (0...22).map { pow(10, Double($0)) }

    /// Skips any value.
    mutating func skipValue() -> Bool {
        skipWhitespace()
        guard index < bytes.endIndex else { return false }
        switch bytes[index] {
        case UInt8(ascii: "\""):
            return stringBounds() != nil
        case UInt8(ascii: "{"):
            return object { scanner, _ in scanner.skipValue() }
        case UInt8(ascii: "["):
            index += 1
            if take(UInt8(ascii: "]")) { return true }
            while true {
                guard skipValue() else { return false }
                if take(UInt8(ascii: ",")) { continue }
                return take(UInt8(ascii: "]"))
            }
        case UInt8(ascii: "t"):
            return literal("true")
        case UInt8(ascii: "f"):
            return literal("false")
        case UInt8(ascii: "n"):
            return literal("null")
        default:
            return skipNumber()
        }
    }

    /// Passes a number without computing its value (most numbers skipped are coordinates): `-`?
    /// digits, then `.` digits and an exponent if any, as `number()` reads them.
    private mutating func skipNumber() -> Bool {
        var cursor = index
        func digits() -> Bool {
            let first = cursor
            while cursor < bytes.endIndex, bytes[cursor] >= 0x30, bytes[cursor] <= 0x39 { cursor += 1 }
            return cursor > first
        }
        if cursor < bytes.endIndex, bytes[cursor] == UInt8(ascii: "-") { cursor += 1 }
        guard digits() else { return false }
        if cursor < bytes.endIndex, bytes[cursor] == UInt8(ascii: ".") {
            cursor += 1
            guard digits() else { return false }
        }
        if cursor < bytes.endIndex, bytes[cursor] == UInt8(ascii: "e") || bytes[cursor] == UInt8(ascii: "E") {
            cursor += 1
            if cursor < bytes.endIndex, bytes[cursor] == UInt8(ascii: "+") || bytes[cursor] == UInt8(ascii: "-") { cursor += 1 }
            _ = digits()
        }
        index = cursor
        return true
    }

    private mutating func literal(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard bytes.endIndex - index >= count else { return false }
        let matches = word.withUTF8Buffer { expected in
            zip(bytes[index..<(index + count)], expected).allSatisfy { $0 == $1 }
        }
        if matches { index += count }
        return matches
    }
}

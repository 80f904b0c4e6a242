import Events
import Foundation
import JSON
import Kafka
import NIOCore

/// Records of one batch in columns for the archive, every field needed to re-publish them exactly.
public struct ArchivedRecords: Sendable {
    var eventIDs: [UUID] = []
    var topics: [String] = []
    var partitions: [Int] = []
    var offsets: [Int64] = []
    var types: [String] = []
    var subjects: [String] = []
    var sources: [String] = []
    var occurredAt: [String] = []
    var recordedAt: [String] = []
    var keys: [ByteBuffer] = []
    var hasKey: [Bool] = []
    var headers: [String] = []
    var values: [ByteBuffer] = []
    var geometries: [String] = []

    var isEmpty: Bool { eventIDs.isEmpty }

    /// Month partitions (`yYYYYmMM`) the batch's event ids fall in.
    var months: Set<ArchiveMonth> { Set(eventIDs.compactMap(ArchiveMonth.init(eventID:))) }

    mutating func append(_ message: KafkaMessage) {
        let recorded =
            message.header("ce_recordedat").flatMap(Timestamp.parse)
            ?? message.timestampMilliseconds.map { Date(timeIntervalSince1970: Double($0) / 1_000) } ?? Date()
        let id =
            message.header("ce_id").flatMap(UUID.init(canonical:))
            ?? EventIDGenerator.contentID(at: recorded, content: Array("\(message.topic)/\(message.partition)/\(message.offset)".utf8))
        eventIDs.append(id)
        topics.append(message.topic)
        partitions.append(Int(message.partition))
        offsets.append(message.offset)
        types.append(message.header("ce_type") ?? "")
        subjects.append(message.header("ce_subject") ?? message.key.map { String(decoding: $0, as: UTF8.self) } ?? "")
        sources.append(message.header("ce_source") ?? "")
        occurredAt.append(message.header("ce_time").flatMap(Timestamp.parse).map(Timestamp.format) ?? "")
        recordedAt.append(Timestamp.format(recorded))
        keys.append(ByteBuffer(bytes: message.key ?? Data()))
        hasKey.append(message.key != nil)
        headers.append(ArchivedHeaders.encode(message.headers))
        values.append(ByteBuffer(bytes: message.value))
        geometries.append(Self.geometry(of: message) ?? "")
    }

    private static let spaceMember = Data(#""space""#.utf8)

    /// The EPSG:4490 geometry of a structured event (`space.geometry`), as GeoJSON text. A value
    /// without a `"space"` member (a raw reading, a job report) is not parsed at all.
    private static func geometry(of message: KafkaMessage) -> String? {
        guard message.header("content-type") == "application/json", message.value.first == UInt8(ascii: "{"),
            message.value.range(of: spaceMember) != nil,
            let json = try? JSONParser.parse(bytes: Array(message.value)),
            let geometry = json["space"]?["geometry"], geometry["type"]?.string != nil
        else { return nil }
        return geometry.text
    }
}

/// Headers as JSON, in order and byte-exact: `[{"k": name, "v": text}]`, or `"b64"` for non-UTF-8 values.
public enum ArchivedHeaders {
    /// `[{"k": key, "v": text}, …]`, or `"b64"` for a value that is not UTF-8. Written as bytes, and
    /// a value of printable ASCII without quotes or backslashes (nearly all of them) is copied as it
    /// is, with no string made of it: it runs for every archived record.
    static func encode(_ headers: [KafkaHeader]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(headers.reduce(2) { $0 + $1.key.utf8.count + $1.value.count + 16 })
        output.append(UInt8(ascii: "["))
        for (index, header) in headers.enumerated() {
            output.append(contentsOf: (index == 0 ? #"{"k":"# : #",{"k":"#).utf8)
            JSONValue.writeString(header.key, into: &output)
            if header.value.withUnsafeBytes({ isPlain($0) }) {
                output.append(contentsOf: #","v":""#.utf8)
                output.append(contentsOf: header.value)
                output.append(UInt8(ascii: "\""))
            } else if let text = String(validating: header.value, as: UTF8.self) {
                output.append(contentsOf: #","v":"#.utf8)
                JSONValue.writeString(text, into: &output)
            } else {
                output.append(contentsOf: (#","b64":""# + header.value.base64EncodedString() + #"""#).utf8)
            }
            output.append(UInt8(ascii: "}"))
        }
        output.append(UInt8(ascii: "]"))
        return String(decoding: output, as: UTF8.self)
    }

    /// Printable ASCII without `"` or `\`: the same bytes inside JSON quotes.
    private static func isPlain(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.allSatisfy { $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }
    }

    public static func decode(_ text: String) -> [KafkaHeader] {
        guard let items = (try? JSONParser.parse(text))?.array else { return [] }
        return items.compactMap { item in
            guard let key = item["k"]?.string else { return nil }
            if let text = item["v"]?.string { return KafkaHeader(key: key, string: text) }
            if let encoded = item["b64"]?.string, let data = Data(base64Encoded: encoded) { return KafkaHeader(key: key, value: data) }
            return nil
        }
    }
}

/// A month partition of the archive: UUIDv7 ids of that month (by their embedded time) live there.
struct ArchiveMonth: Hashable, Sendable {
    var year: Int
    var month: Int

    /// Partitions exist for 2000–2099; ids outside (or not UUIDv7) go to the default partition.
    init?(eventID: UUID) {
        guard let date = eventID.version7Date else { return nil }
        let components = Calendar.utc.dateComponents([.year, .month], from: date)
        guard let year = components.year, let month = components.month, (2000...2099).contains(year) else { return nil }
        self.year = year
        self.month = month
    }

    var table: String { String(format: "event_archive_y%04dm%02d", year, month) }

    /// The lowest UUIDv7 of the month, and of the next one.
    var bounds: (lower: UUID, upper: UUID) {
        func start(_ year: Int, _ month: Int) -> UUID {
            let date = Calendar.utc.date(from: DateComponents(year: year, month: month, day: 1))!
            let milliseconds = UInt64(Timestamp.epochMilliseconds(date))
            return UUID(
                uuid: (
                    UInt8(truncatingIfNeeded: milliseconds >> 40), UInt8(truncatingIfNeeded: milliseconds >> 32),
                    UInt8(truncatingIfNeeded: milliseconds >> 24), UInt8(truncatingIfNeeded: milliseconds >> 16),
                    UInt8(truncatingIfNeeded: milliseconds >> 8), UInt8(truncatingIfNeeded: milliseconds), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
                ))
        }
        return (start(year, month), month == 12 ? start(year + 1, 1) : start(year, month + 1))
    }
}

extension Calendar {
    static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()
}

import Foundation
import JSON
import Kafka

/// Crawl items and thematic records that carry an address or a text but no coordinates (R-SP-3):
/// how they enter `raw.items`, and the `item.located` events the item processor makes of them.
public enum RawItems {
    /// `ce_type` of a raw item.
    public static let type = "crawl.item"
    public static let schema = "shikong/item.raw/1"

    /// The record for one item as it arrived (one JSON line), byte for byte; the envelope travels in
    /// the headers. The id is derived from the bytes and the item's time, so ingesting the same file
    /// twice gives the same events, which every stage applies once. The subject is `item:<id>` when
    /// the line is a JSON object with a string `id`; otherwise `item:line-<n>` (the processor sends
    /// such lines to the dead-letter topic with the reason).
    public static func record(line: Data, lineNumber: Int, source: String, receivedAt: Date = Date(), topic: String = Topics.rawItems)
        -> OutgoingRecord
    {
        var itemID: String?
        var time: Date?
        if let json = try? JSONParser.parse(bytes: Array(line)), let members = json.members {
            itemID = members.first { $0.key == "id" }?.value.string
            time = members.first { $0.key == "time" }?.value.string.flatMap(Timestamp.parse)
        }
        let subject = "item:" + (itemID.map { $0.isEmpty ? "line-\(lineNumber)" : $0 } ?? "line-\(lineNumber)")
        let id = EventIDGenerator.contentID(at: time ?? receivedAt, content: Array(source.utf8) + [0] + Array(line))
        let metadata = EventMetadata(
            id: id, type: type, subject: subject, source: source, occurredAt: time ?? receivedAt, recordedAt: receivedAt, schema: schema)
        return metadata.record(topic: topic, value: line)
    }

    /// Splits a JSON-lines body into its non-empty lines, with their 1-based line numbers.
    public static func lines(_ data: Data) -> [(number: Int, line: Data)] {
        // memchr over the raw bytes: a generic split over `Data` walks a 1 MiB line byte by byte, which
        // takes seconds in a debug build.
        let bytes = [UInt8](data)
        var result: [(number: Int, line: Data)] = []
        var number = 0
        var start = 0
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            while start <= buffer.count {
                number += 1
                var end = buffer.count
                if start < buffer.count, let found = memchr(base + start, 0x0A, buffer.count - start) {
                    end = UnsafeRawPointer(found) - UnsafeRawPointer(base)
                }
                var stop = end
                if stop > start, buffer[stop - 1] == 0x0D { stop -= 1 }
                if buffer[start..<stop].contains(where: { $0 != 0x20 && $0 != 0x09 }) {
                    result.append((number, Data(buffer[start..<stop])))
                }
                start = end + 1
            }
        }
        return result
    }
}

extension Topics {
    /// Crawl items and thematic records as they arrived: an address and/or a free text, no coordinates.
    public static let rawItems = "raw.items"
    /// Items placed by the item processor (`item.located`), EPSG:4490.
    public static let spatialItems = "spatial.items"
}

/// An item placed on the map, as JSON in the value of `spatial.items` (structured mode). It keeps the
/// raw event's id, so every stage applies it once, and what it was placed from (the address or the
/// text), so a rebuild after a gazetteer fix can place it again.
public struct LocatedItemEvent: Codable, Sendable {
    public static let type = "item.located"
    public static let schema = "shikong/item.located/1"

    public var id: UUID
    public var type: String
    /// `item:<id>`.
    public var subject: String
    public var source: String
    /// The item's own time (valid time).
    public var occurredAt: Date
    /// When the platform recorded the raw item.
    public var recordedAt: Date
    public var space: ItemSpace
    public var attributes: AttributeLabels
    public var data: ItemData
    public var schema: String

    public init(
        id: UUID, subject: String, source: String, occurredAt: Date, recordedAt: Date, space: ItemSpace, attributes: AttributeLabels, data: ItemData
    ) {
        self.id = id
        self.type = Self.type
        self.subject = subject
        self.source = source
        self.occurredAt = occurredAt
        self.recordedAt = recordedAt
        self.space = space
        self.attributes = attributes
        self.data = data
        self.schema = Self.schema
    }

    enum CodingKeys: String, CodingKey {
        case id, type, subject, source, space, attributes, data, schema
        case occurredAt = "occurred_at"
        case recordedAt = "recorded_at"
    }

    /// The Kafka record: the whole event as the value, the envelope repeated in `ce_*` headers, keyed by subject.
    public func record(topic: String = Topics.spatialItems) throws -> OutgoingRecord {
        var metadata = EventMetadata(
            id: id, type: type, subject: subject, source: source, occurredAt: occurredAt, recordedAt: recordedAt, schema: schema)
        metadata.extensions["crs"] = "EPSG:4490"
        return metadata.record(topic: topic, value: try EventJSON.encoder().encode(self))
    }
}

/// The space domain of a located item: the point and how it was found.
public struct ItemSpace: Codable, Sendable, Equatable {
    /// A GeoJSON point in EPSG:4490.
    public var geometry: PointGeometry
    public var crs: String
    /// `address` (the item's address was geocoded) or `text` (place names were extracted from its text).
    public var method: String
    /// The standard address the geocoder matched.
    public var standardAddress: String
    /// The deepest admin code reached, and those of every level above it, province first.
    public var adminCode: String?
    public var adminCodes: [String]
    /// `province` … `village`, `road`, `address_point`.
    public var precision: String
    /// The geocoder's confidence, 0…1.
    public var score: Double

    public init(geometry: PointGeometry, method: String, standardAddress: String, adminCodes: [String], precision: String, score: Double) {
        self.geometry = geometry
        self.crs = "EPSG:4490"
        self.method = method
        self.standardAddress = standardAddress
        self.adminCode = adminCodes.last
        self.adminCodes = adminCodes
        self.precision = precision
        self.score = score
    }

    enum CodingKeys: String, CodingKey {
        case geometry, crs, method, precision, score
        case standardAddress = "standard_address"
        case adminCode = "admin_code"
        case adminCodes = "admin_codes"
    }
}

/// What the item said.
public struct ItemData: Codable, Sendable, Equatable {
    public var itemID: String
    public var sourceURL: String?
    public var task: String?
    public var title: String?
    public var address: String?
    public var text: String?
    /// The item's other attributes, as given.
    public var attributes: JSONValue?

    public init(
        itemID: String, sourceURL: String? = nil, task: String? = nil, title: String? = nil, address: String? = nil, text: String? = nil,
        attributes: JSONValue? = nil
    ) {
        self.itemID = itemID
        self.sourceURL = sourceURL
        self.task = task
        self.title = title
        self.address = address
        self.text = text
        self.attributes = attributes
    }

    enum CodingKeys: String, CodingKey {
        case task, title, address, text, attributes
        case itemID = "item_id"
        case sourceURL = "source_url"
    }
}

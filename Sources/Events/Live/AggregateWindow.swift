import Foundation
import JSON
import Kafka

/// One window's result of an aggregation (`aggregate.window`), as JSON in the value of its `agg.*`
/// topic. A window is emitted when the watermark passes its end (version 1); a late event within
/// the correction horizon emits it again with the next version. The id is derived from the
/// aggregation, its revision, the key, the window and the version, so a processor that re-reads its
/// input after a crash produces the same ids and every consumer applies each version once.
public struct AggregateWindowEvent: Codable, Sendable {
    public static let type = "aggregate.window"
    public static let schema = "shikong/aggregate.window/1"

    public var id: UUID
    public var type: String
    /// `aggregate:<aggregation>/<key>`: one key's windows stay in order.
    public var subject: String
    public var source: String
    /// The window's end.
    public var occurredAt: Date
    public var recordedAt: Date
    public var space: GeometrySpace
    public var attributes: AttributeLabels
    public var data: AggregateWindow
    public var schema: String

    public init(data: AggregateWindow, geometry: JSONValue?, attributes: AttributeLabels, recordedAt: Date) {
        self.id = data.eventID
        self.type = Self.type
        self.subject = "aggregate:\(data.aggregation)/\(data.keyText)"
        self.source = "shikong://processors.aggregator/\(data.aggregation)"
        self.occurredAt = data.windowEnd
        self.recordedAt = recordedAt
        self.space = GeometrySpace(geometry: geometry)
        self.attributes = attributes
        self.data = data
        self.schema = Self.schema
    }

    enum CodingKeys: String, CodingKey {
        case id, type, subject, source, space, attributes, data, schema
        case occurredAt = "occurred_at"
        case recordedAt = "recorded_at"
    }

    /// The record on the aggregation's output topic, keyed by the subject.
    public func record(topic: String) throws -> OutgoingRecord {
        var metadata = EventMetadata(
            id: id, type: type, subject: subject, source: source, occurredAt: occurredAt, recordedAt: recordedAt, schema: schema)
        metadata.extensions["aggregation"] = data.aggregation
        return metadata.record(topic: topic, value: try EventJSON.encoder().encode(self))
    }
}

/// What a window says: its key, bounds, version and statistics per value.
public struct AggregateWindow: Codable, Sendable, Hashable {
    public var aggregation: String
    /// The id of the definition event this window was computed under.
    public var revision: UUID
    /// The key's parts by grouping, e.g. `{"region": "420106"}`.
    public var key: [String: String]
    /// The key as one text, e.g. `region=420106` (parts sorted by grouping name, `;`-separated).
    public var keyText: String
    public var windowStart: Date
    public var windowEnd: Date
    /// 1 when first emitted; each correction adds one.
    public var version: Int
    /// Events counted.
    public var count: Int
    /// Events that arrived after the window was first emitted (counted by corrections).
    public var lateEvents: Int
    /// Statistics by value name, then by statistic name (`count`, `avg`, `p95`, …); `stddev` is the
    /// sample standard deviation, the percentiles interpolate linearly (as PostgreSQL's
    /// `percentile_cont`).
    public var values: [String: [String: Double]]
    /// The region's name, when the key has a region that has one.
    public var regionName: String?

    public init(
        aggregation: String, revision: UUID, key: [String: String], windowStart: Date, windowEnd: Date, version: Int, count: Int, lateEvents: Int,
        values: [String: [String: Double]], regionName: String? = nil
    ) {
        self.aggregation = aggregation
        self.revision = revision
        self.key = key
        self.keyText = Self.keyText(key)
        self.windowStart = windowStart
        self.windowEnd = windowEnd
        self.version = version
        self.count = count
        self.lateEvents = lateEvents
        self.values = values
        self.regionName = regionName
    }

    enum CodingKeys: String, CodingKey {
        case aggregation, revision, key, version, count, values
        case keyText = "key_text"
        case windowStart = "window_start"
        case windowEnd = "window_end"
        case lateEvents = "late_events"
        case regionName = "region_name"
    }

    /// `grouping=value` pairs sorted by grouping, `;`-separated; `all` for no grouping.
    public static func keyText(_ key: [String: String]) -> String {
        key.isEmpty ? "all" : key.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ";")
    }

    /// The deterministic event id of this version.
    public var eventID: UUID {
        Self.eventID(aggregation: aggregation, revision: revision, keyText: keyText, start: windowStart, end: windowEnd, version: version)
    }

    public static func eventID(aggregation: String, revision: UUID, keyText: String, start: Date, end: Date, version: Int) -> UUID {
        let content =
            "\(aggregation)|\(revision.uuidString.lowercased())|\(keyText)|\(Timestamp.epochMilliseconds(start))|\(Timestamp.epochMilliseconds(end))|\(version)"
        return EventIDGenerator.contentID(at: end, content: Array(content.utf8))
    }

    /// The feature id of a window in the `aggregates` collection (all its versions share it).
    public var featureID: String {
        "\(aggregation):\(keyText):\(Timestamp.format(windowStart))"
    }

    /// A digest of what the window says (not its version): a re-computed window with the same
    /// digest says nothing new.
    public var digest: String {
        var text = "\(count)"
        for (name, statistics) in values.sorted(by: { $0.key < $1.key }) {
            text += "|\(name)"
            for (statistic, value) in statistics.sorted(by: { $0.key < $1.key }) { text += ",\(statistic)=\(value.bitPattern)" }
        }
        return ContentHash.hex(Array(text.utf8))
    }

    /// The properties of the window's feature in the `aggregates` collection, in order: what the
    /// window is, its key parts, region name, `count` and every finite `<statistic>_<value>`.
    public var featureProperties: [(key: String, value: JSONValue)] {
        var members: [(key: String, value: JSONValue)] = [
            ("aggregation", .string(aggregation)), ("key", .string(keyText)),
            ("window_start", .string(Timestamp.format(windowStart))), ("window_end", .string(Timestamp.format(windowEnd))),
            ("version", .number(Double(version))), ("late_events", .number(Double(lateEvents))),
            ("revision", .string(revision.uuidString.lowercased())),
        ]
        for (name, value) in key.sorted(by: { $0.key < $1.key }) { members.append((name, .string(value))) }
        if let regionName { members.append(("region_name", .string(regionName))) }
        for (name, value) in flatStatistics.sorted(by: { $0.key < $1.key }) where value.isFinite { members.append((name, .number(value))) }
        return members
    }

    /// The flat properties of the window's feature: `count`, and `<statistic>_<value>` for each value.
    public var flatStatistics: [String: Double] {
        var flat: [String: Double] = ["count": Double(count)]
        for (name, statistics) in values {
            for (statistic, value) in statistics { flat["\(statistic)_\(name)"] = value }
        }
        return flat
    }
}

/// The space domain of a derived event: any GeoJSON geometry in EPSG:4490.
public struct GeometrySpace: Codable, Sendable, Equatable {
    public var geometry: JSONValue?
    /// Always `EPSG:4490`.
    public var crs: String

    public init(geometry: JSONValue?) {
        self.geometry = geometry
        self.crs = "EPSG:4490"
    }
}

import Events
import Foundation
import Geodesy
import JSON
import MQTT

/// The definition of an `mqtt-feed` task:
///
/// ```json
/// {"topic_filter": "river/+/level", "crs": "EPSG:4547", "binding": "registry",
///  "mapping": {"time": "/t", "values": "/data"}, "units": {"level": "m"},
///  "labels": {"domain": "iot", "industry": "water", "theme": "hydrology"},
///  "expected_interval_seconds": 60, "silent_after_intervals": 3}
/// ```
///
/// `topic_filter` is required; `crs` defaults to EPSG:4326; `binding` to `registry` (every value
/// checked against its datastream; `none` takes readings as they are, with the feed's `labels`,
/// default iot/sensing); `mapping` holds JSON pointers for `sensor_id`, `time`, `lon`, `lat`, `crs`,
/// `values` and `units` where the payload does not use the platform's own shape; `units` declares the
/// units the feed publishes in; with `expected_interval_seconds`, a sensor silent for
/// `silent_after_intervals` (default 3) intervals is reported.
public struct MQTTFeedDefinition: Sendable, Hashable {
    public var topicFilter: String
    public var crs: String
    public var context: FeedContext
    public var expectedInterval: Double?
    public var silentAfterIntervals: Int

    public static let fields: Set<String> = [
        "topic_filter", "crs", "binding", "mapping", "units", "labels", "expected_interval_seconds", "silent_after_intervals",
    ]

    public init(topicFilter: String, crs: String = "EPSG:4326", context: FeedContext, expectedInterval: Double? = nil, silentAfterIntervals: Int = 3)
    {
        self.topicFilter = topicFilter
        self.crs = crs
        self.context = context
        self.expectedInterval = expectedInterval
        self.silentAfterIntervals = silentAfterIntervals
    }

    /// Reads and checks a definition; the error says what to fix.
    public init(json: JSONValue) throws(TaskDefinitionError) {
        guard let members = json.members else { throw TaskDefinitionError("the definition must be a JSON object") }
        if let unknown = members.map(\.key).first(where: { !Self.fields.contains($0) }) {
            throw TaskDefinitionError("unknown field \(unknown); an mqtt-feed has \(Self.fields.sorted().joined(separator: ", "))")
        }
        guard let filter = json["topic_filter"]?.string, !filter.isEmpty else {
            throw TaskDefinitionError(#"topic_filter is required, e.g. "city/+/air" (the + levels name the sensor)"#)
        }
        guard MQTTTopicFilter.isValid(filter) else {
            throw TaskDefinitionError("topic_filter \(filter) is not an MQTT topic filter (+ and # stand alone in their level, # last)")
        }
        topicFilter = filter
        crs = try Self.text(json["crs"], "crs") ?? "EPSG:4326"
        guard CoordinateReferenceSystem(parsing: crs) != nil else {
            throw TaskDefinitionError("crs \(crs) is not one the platform transforms (EPSG:4326, 4490, 3857, 4491–4554, GCJ-02, BD-09)")
        }
        let bindingText = try Self.text(json["binding"], "binding") ?? FeedContext.Binding.registry.rawValue
        guard let binding = FeedContext.Binding(rawValue: bindingText) else {
            throw TaskDefinitionError("binding is registry (values checked against their datastreams) or none, not \(bindingText)")
        }
        var labels = FeedContext.defaultLabels
        if let value = json["labels"], !value.isNull {
            guard let domain = value["domain"]?.string, let theme = value["theme"]?.string, !domain.isEmpty, !theme.isEmpty else {
                throw TaskDefinitionError(#"labels need a domain and a theme, e.g. {"domain": "iot", "industry": "water", "theme": "hydrology"}"#)
            }
            labels = AttributeLabels(domain: domain, industry: value["industry"]?.string, theme: theme)
        }
        let mapping: ReadingMapping
        do {
            mapping = try json["mapping"].map { value throws(EventDecodingError) in try ReadingMapping(json: value) } ?? ReadingMapping()
        } catch {
            throw TaskDefinitionError(error.reason)
        }
        var units: [String: String] = [:]
        for (name, value) in json["units"]?.members ?? [] {
            guard let unit = value.string else { throw TaskDefinitionError("units.\(name) must be a UCUM unit such as \"ug/m3\"") }
            if let problem = UCUM.problem(unit) { throw TaskDefinitionError("units.\(name): \(problem)") }
            units[name] = unit
        }
        context = FeedContext(binding: binding, labels: labels, mapping: mapping, units: units)
        if let value = json["expected_interval_seconds"], !value.isNull {
            guard let seconds = value.number, seconds > 0, seconds <= 86_400 * 31 else {
                throw TaskDefinitionError("expected_interval_seconds must be a number of seconds between 0 and 31 days")
            }
            expectedInterval = seconds
        }
        silentAfterIntervals = 3
        if let value = json["silent_after_intervals"], !value.isNull {
            guard let count = value.number, count == count.rounded(), count >= 1, count <= 1_000 else {
                throw TaskDefinitionError("silent_after_intervals must be a whole number from 1 to 1000")
            }
            silentAfterIntervals = Int(count)
        }
    }

    /// The definition as stored, defaults filled in.
    public var json: JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("topic_filter", .string(topicFilter)), ("crs", .string(crs)), ("binding", .string(context.binding.rawValue)),
        ]
        var labels: [(key: String, value: JSONValue)] = [("domain", .string(context.labels.domain))]
        if let industry = context.labels.industry { labels.append(("industry", .string(industry))) }
        labels.append(("theme", .string(context.labels.theme)))
        members.append(("labels", .object(labels)))
        if !context.mapping.isDefault { members.append(("mapping", context.mapping.json)) }
        if !context.units.isEmpty { members.append(("units", .object(context.units.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }))) }
        if let expectedInterval { members.append(("expected_interval_seconds", .number(expectedInterval))) }
        members.append(("silent_after_intervals", .number(Double(silentAfterIntervals))))
        return .object(members)
    }

    /// An unbound feed from a `--feed filter[@CRS]` flag.
    public init(flag feed: MQTTFeed) {
        self.init(topicFilter: feed.topicFilter, crs: feed.crs, context: .unbound)
    }

    /// The task a `--feed` flag stands for: a stable id from the filter, so every start names the same task.
    public static func task(for feed: MQTTFeed, editor: String) -> PlatformTask {
        let slug = feed.topicFilter.map { $0.isLetter || $0.isNumber ? String($0) : $0 == "+" ? "any" : $0 == "#" ? "all" : "-" }.joined()
        let hash = ContentHash.hex(Array(feed.description.utf8)).prefix(8)
        let id = "feed-\(slug.prefix(40))-\(hash)"
        return PlatformTask(
            id: id, kind: .mqttFeed, name: "MQTT feed \(feed) (command line)", definition: MQTTFeedDefinition(flag: feed).json, owner: editor,
            editor: editor)
    }

    private static func text(_ value: JSONValue?, _ name: String) throws(TaskDefinitionError) -> String? {
        guard let value, !value.isNull else { return nil }
        guard let text = value.string, !text.isEmpty else { throw TaskDefinitionError("\(name) must be a non-empty string") }
        return text
    }

    /// Checks `mqtt-feed` definitions for the API.
    public struct Validator: TaskDefinitionValidator {
        public init() {}
        public var kind: TaskKind { .mqttFeed }
        public func validate(_ definition: JSONValue) async throws(TaskDefinitionError) -> JSONValue {
            try MQTTFeedDefinition(json: definition).json
        }
    }
}

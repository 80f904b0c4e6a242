import Foundation
import JSON

/// What a raw reading's feed says about reading it, carried with every raw event (header
/// `ce_feed`), so the spatialiser reads a reading as its feed was defined when it arrived — a
/// replay of old raw events reads them as they were meant.
public struct FeedContext: Sendable, Hashable {
    /// How readings relate to the sensor registry.
    public enum Binding: String, Sendable, Hashable, CaseIterable {
        /// Every value must belong to a registered datastream of its thing (the sensor): unknown
        /// datastreams, other units and values out of range are dead letters; labels come from the datastreams.
        case registry
        /// Readings are taken as they are, labelled with the feed's labels.
        case none
    }

    public var binding: Binding
    /// Labels of readings of an unbound feed.
    public var labels: AttributeLabels
    public var mapping: ReadingMapping
    /// Units the feed's values are published in (value name → UCUM), when the payload does not say.
    public var units: [String: String]

    /// Labels of a feed that declares none.
    public static let defaultLabels = AttributeLabels(domain: "iot", theme: "sensing")
    /// What a raw event without a `ce_feed` header is read with.
    public static let unbound = FeedContext(binding: .none, labels: defaultLabels, mapping: ReadingMapping(), units: [:])

    public init(binding: Binding, labels: AttributeLabels, mapping: ReadingMapping, units: [String: String]) {
        self.binding = binding
        self.labels = labels
        self.mapping = mapping
        self.units = units
    }

    /// The header text: compact JSON, only what differs from the defaults.
    public var headerValue: String {
        var members: [(key: String, value: JSONValue)] = [("binding", .string(binding.rawValue))]
        var labelMembers: [(key: String, value: JSONValue)] = [("domain", .string(labels.domain))]
        if let industry = labels.industry { labelMembers.append(("industry", .string(industry))) }
        labelMembers.append(("theme", .string(labels.theme)))
        members.append(("labels", .object(labelMembers)))
        if !mapping.isDefault { members.append(("mapping", mapping.json)) }
        if !units.isEmpty { members.append(("units", .object(units.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }))) }
        return JSONValue.object(members).text
    }

    /// Reads the header text.
    public init(headerValue text: String) throws(EventDecodingError) {
        guard let json = try? JSONParser.parse(text), json.members != nil else { throw EventDecodingError("ce_feed is not a JSON object") }
        guard let binding = json["binding"]?.string.flatMap(Binding.init(rawValue:)) else {
            throw EventDecodingError("ce_feed: binding must be registry or none")
        }
        self.binding = binding
        guard let labels = json["labels"], let domain = labels["domain"]?.string, let theme = labels["theme"]?.string else {
            throw EventDecodingError("ce_feed: labels need a domain and a theme")
        }
        self.labels = AttributeLabels(domain: domain, industry: labels["industry"]?.string, theme: theme)
        self.mapping = try json["mapping"].map { value throws(EventDecodingError) in try ReadingMapping(json: value) } ?? ReadingMapping()
        var units: [String: String] = [:]
        for (name, unit) in json["units"]?.members ?? [] {
            guard let text = unit.string else { throw EventDecodingError("ce_feed: units.\(name) is not a string") }
            units[name] = text
        }
        self.units = units
    }
}

/// Where a payload holds the parts of a reading, as JSON pointers (RFC 6901). The defaults read the
/// platform's own shape: `sensor_id`, `ts`, `lon`, `lat`, `crs`, a `values` object (or, without it,
/// the other top-level numbers) and an optional `units` object.
public struct ReadingMapping: Sendable, Hashable {
    public static let fields = ["sensor_id", "time", "lon", "lat", "crs", "values", "units"]
    public static let defaults: [String: String] = [
        "sensor_id": "/sensor_id", "time": "/ts", "lon": "/lon", "lat": "/lat", "crs": "/crs", "values": "/values", "units": "/units",
    ]

    /// Field name → JSON pointer, for the fields that differ from the defaults.
    public var pointers: [String: String]

    public init(pointers: [String: String] = [:]) {
        self.pointers = pointers.filter { Self.defaults[$0.key] != $0.value }
    }

    public init(json: JSONValue) throws(EventDecodingError) {
        var pointers: [String: String] = [:]
        for (field, value) in json.members ?? [] {
            guard Self.fields.contains(field) else {
                throw EventDecodingError("mapping: unknown field \(field); fields are \(Self.fields.joined(separator: ", "))")
            }
            guard let pointer = value.string, pointer.isEmpty || pointer.hasPrefix("/") else {
                throw EventDecodingError("mapping.\(field) must be a JSON pointer such as \"/data/pm25\"")
            }
            pointers[field] = pointer
        }
        self.init(pointers: pointers)
    }

    public var isDefault: Bool { pointers.isEmpty }

    /// The pointer of a field.
    public func pointer(_ field: String) -> String { pointers[field] ?? Self.defaults[field] ?? "" }

    public var json: JSONValue { .object(pointers.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }) }

    /// The value a pointer names in `document`, or `nil`.
    public static func resolve(_ pointer: String, in document: JSONValue) -> JSONValue? {
        guard !pointer.isEmpty else { return document }
        var current = document
        for token in pointer.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            // Unescaped only when it has an escape: it runs for every field of every reading.
            let name =
                token.utf8.contains(UInt8(ascii: "~"))
                ? token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~") : String(token)
            switch current {
            case .object:
                guard let next = current[name] else { return nil }
                current = next
            case .array(let items):
                guard let index = Int(name), items.indices.contains(index) else { return nil }
                current = items[index]
            default:
                return nil
            }
        }
        return current
    }
}

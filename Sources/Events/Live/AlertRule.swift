import Foundation

/// An alert rule, as data. Geofence rules watch moving subjects against fences (`enter`, `exit`,
/// `inside`, `dwell`); threshold rules watch readings or aggregate windows with a CQL2 condition
/// that must hold `for` consecutive readings or windows, and clear once `clear` (by default the
/// condition no longer holding) holds `clear_for` consecutive times: raised once, cleared once.
///
/// ```json
/// {"id": "pm25-high", "kind": "threshold", "source": "aggregates", "aggregation": "pm25-by-district",
///  "condition": "avg_pm25 > 75", "for": 3, "clear": "avg_pm25 <= 60",
///  "actions": [{"webhook": {"url": "http://127.0.0.1:9000/hook", "secret": "s3cret"}}, {"mqtt": {"topic": "alerts/pm25"}}]}
/// ```
public struct AlertRule: LiveDefinition {
    public static let kind = DefinitionKind.rule
    public static let fields: Set<String> = [
        "id", "title", "kind", "severity", "subjects", "fences", "dwell", "source", "aggregation", "condition", "for", "clear", "clear_for",
        "actions",
    ]

    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// A subject moved from outside a fence to inside it.
        case enter
        /// A subject moved from inside a fence to outside it.
        case exit
        /// A subject is inside a fence (raised when it is first seen inside, cleared when it leaves).
        case inside
        /// A subject has been inside a fence for at least `dwell` (cleared when it leaves).
        case dwell
        /// A CQL2 condition over readings or aggregate windows.
        case threshold

        public var isGeofence: Bool { self != .threshold }
    }

    /// What a threshold rule watches.
    public enum Source: String, Codable, Sendable, CaseIterable {
        /// Spatialised readings on `spatial.events`: the condition sees a reading's values by name.
        case readings
        /// Aggregate windows on `agg.*`: the condition sees `count` and `<statistic>_<value>`.
        case aggregates
    }

    /// Which subjects a rule watches: all when empty.
    public struct Subjects: Codable, Sendable, Hashable {
        /// Subjects starting with this, e.g. `sensor:veh-`.
        public var prefix: String?
        /// These subjects exactly.
        public var ids: [String]?

        public init(prefix: String? = nil, ids: [String]? = nil) {
            self.prefix = prefix
            self.ids = ids
        }

        public func matches(_ subject: String) -> Bool {
            if let ids, !ids.isEmpty, !ids.contains(subject) { return false }
            if let prefix, !subject.hasPrefix(prefix) { return false }
            return true
        }
    }

    /// Which fences a geofence rule watches: every polygon of an entity collection (`wuhan_districts`,
    /// or `geofences` for the drawn ones), and/or fences by reference (`wuhan_districts/420106`,
    /// `geofences/depot`).
    public struct Fences: Codable, Sendable, Hashable {
        public var collection: String?
        public var ids: [String]?

        public init(collection: String? = nil, ids: [String]? = nil) {
            self.collection = collection
            self.ids = ids
        }

        public func matches(_ reference: String) -> Bool {
            if let ids, ids.contains(reference) { return true }
            if let collection, reference.hasPrefix(collection + "/") { return true }
            return false
        }

        /// The collections whose polygons the rule needs.
        public var collections: Set<String> {
            var names = Set<String>()
            if let collection { names.insert(collection) }
            for id in ids ?? [] {
                if let slash = id.firstIndex(of: "/") { names.insert(String(id[..<slash])) }
            }
            return names
        }
    }

    /// Where alerts of the rule are delivered besides the `alerts` topic.
    public struct Action: Codable, Sendable, Hashable {
        public struct Webhook: Codable, Sendable, Hashable {
            public var url: String
            /// The key of the `X-Shikong-Signature` HMAC-SHA256 header; never shown by the API.
            public var secret: String?

            public init(url: String, secret: String? = nil) {
                self.url = url
                self.secret = secret
            }
        }

        public struct MQTT: Codable, Sendable, Hashable {
            public var topic: String

            public init(topic: String) {
                self.topic = topic
            }
        }

        public var webhook: Webhook?
        public var mqtt: MQTT?

        public init(webhook: Webhook? = nil, mqtt: MQTT? = nil) {
            self.webhook = webhook
            self.mqtt = mqtt
        }
    }

    public var id: String
    public var title: String?
    public var kind: Kind
    /// `info`, `warning` (default) or `critical`.
    public var severity: String
    public var subjects: Subjects?
    public var fences: Fences?
    /// For `dwell`: how long a subject must stay inside.
    public var dwell: TimeSpan?
    /// For `threshold`: readings (default) or aggregates.
    public var source: Source?
    /// For `threshold` on aggregates: only windows of this aggregation.
    public var aggregation: String?
    /// For `threshold`: a CQL2 text condition, e.g. `avg_pm25 > 75`.
    public var condition: String?
    /// For `threshold`: consecutive readings or windows the condition must hold (default 1).
    public var `for`: Int?
    /// For `threshold`: the CQL2 condition that clears an alert (default: the condition does not hold).
    public var clear: String?
    /// For `threshold`: consecutive readings or windows `clear` must hold (default 1).
    public var clearFor: Int?
    public var actions: [Action]

    public init(
        id: String, title: String? = nil, kind: Kind, severity: String = "warning", subjects: Subjects? = nil, fences: Fences? = nil,
        dwell: TimeSpan? = nil, source: Source? = nil, aggregation: String? = nil, condition: String? = nil, for count: Int? = nil,
        clear: String? = nil, clearFor: Int? = nil, actions: [Action] = []
    ) {
        self.id = id
        self.title = title
        self.kind = kind
        self.severity = severity
        self.subjects = subjects
        self.fences = fences
        self.dwell = dwell
        self.source = source
        self.aggregation = aggregation
        self.condition = condition
        self.for = count
        self.clear = clear
        self.clearFor = clearFor
        self.actions = actions
    }

    enum CodingKeys: String, CodingKey {
        case id, title, kind, severity, subjects, fences, dwell, source, aggregation, condition, `for`, clear, actions
        case clearFor = "clear_for"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        title = try container.decodeIfPresent(String.self, forKey: .title)
        kind = try container.decode(Kind.self, forKey: .kind)
        severity = try container.decodeIfPresent(String.self, forKey: .severity) ?? "warning"
        subjects = try container.decodeIfPresent(Subjects.self, forKey: .subjects)
        fences = try container.decodeIfPresent(Fences.self, forKey: .fences)
        dwell = try container.decodeIfPresent(TimeSpan.self, forKey: .dwell)
        source = try container.decodeIfPresent(Source.self, forKey: .source)
        aggregation = try container.decodeIfPresent(String.self, forKey: .aggregation)
        condition = try container.decodeIfPresent(String.self, forKey: .condition)
        self.for = try container.decodeIfPresent(Int.self, forKey: .for)
        clear = try container.decodeIfPresent(String.self, forKey: .clear)
        clearFor = try container.decodeIfPresent(Int.self, forKey: .clearFor)
        actions = try container.decodeIfPresent([Action].self, forKey: .actions) ?? []
    }

    public static let severities = ["info", "warning", "critical"]

    /// Consecutive matches needed to raise (threshold rules).
    public var raiseAfter: Int { self.for ?? 1 }
    /// Consecutive clearing matches needed to clear (threshold rules).
    public var clearAfter: Int { clearFor ?? 1 }

    /// The checks that need no CQL2 parser; the API and the processors also parse `condition` and `clear`.
    public func problem() -> String? {
        if let problem = DefinitionID.problem(id) { return problem }
        if !Self.severities.contains(severity) { return "severity must be one of \(Self.severities.joined(separator: ", ")), not \(severity)" }
        if kind.isGeofence {
            guard let fences, fences.collection != nil || !(fences.ids ?? []).isEmpty else {
                return "a \(kind.rawValue) rule needs fences: {\"collection\": \"wuhan_districts\"} or {\"ids\": [\"geofences/depot\"]}"
            }
            for id in fences.ids ?? [] where !id.contains("/") {
                return "a fence reference is <collection>/<id> (e.g. wuhan_districts/420106 or geofences/depot), not \(id)"
            }
            if kind == .dwell {
                guard let dwell, dwell.milliseconds > 0 else { return "a dwell rule needs dwell, e.g. \"5m\"" }
            }
            if condition != nil || clear != nil { return "condition and clear belong to threshold rules, not \(kind.rawValue) rules" }
        } else {
            guard let condition, !condition.trimmingCharacters(in: .whitespaces).isEmpty else {
                return "a threshold rule needs a CQL2 condition, e.g. \"avg_pm25 > 75\""
            }
            if fences != nil { return "fences belong to geofence rules (enter, exit, inside, dwell), not threshold rules" }
        }
        if let count = self.for, !(1...1_000).contains(count) { return "for must be between 1 and 1000, not \(count)" }
        if let count = clearFor, !(1...1_000).contains(count) { return "clear_for must be between 1 and 1000, not \(count)" }
        for action in actions {
            if (action.webhook == nil) == (action.mqtt == nil) {
                return "each action is either {\"webhook\": {\"url\": …}} or {\"mqtt\": {\"topic\": …}}"
            }
            if let webhook = action.webhook {
                guard let url = URL(string: webhook.url), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
                    url.host != nil
                else { return "a webhook url is an http or https URL, not \(webhook.url)" }
            }
            if let mqtt = action.mqtt, mqtt.topic.isEmpty || mqtt.topic.contains("+") || mqtt.topic.contains("#") {
                return "an MQTT action's topic must be a topic name without wildcards, not \(mqtt.topic)"
            }
        }
        return nil
    }

    /// The rule as the API shows it: webhook secrets left out.
    public var redacted: AlertRule {
        var rule = self
        rule.actions = actions.map { action in
            var action = action
            if action.webhook?.secret != nil { action.webhook?.secret = "********" }
            return action
        }
        return rule
    }
}

import CMosquitto

/// Process-wide libmosquitto setup and error text.
enum Mosquitto {
    /// `mosquitto_lib_init` must run once before any client is created.
    static let initialised: Bool = {
        mosquitto_lib_init()
        LowDescriptors.refill()
        return true
    }()

    static func describe(_ code: Int32) -> String {
        String(cString: mosquitto_strerror(code))
    }
}

/// A libmosquitto failure, with the operation and libmosquitto's own words.
public struct MQTTError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    init(_ operation: String, code: Int32) {
        self.message = "\(operation): \(Mosquitto.describe(code))"
    }
    public var description: String { message }
}

/// Where and as whom to connect.
public struct MQTTConnection: Sendable {
    public var host: String
    public var port: Int
    public var clientID: String
    public var username: String?
    public var password: String?
    public var keepAliveSeconds: Int32
    /// A CA file to verify the broker's certificate with: the connection uses TLS (`nil`: plain TCP).
    public var caFile: String?

    public init(host: String, port: Int, clientID: String, username: String? = nil, password: String? = nil, keepAliveSeconds: Int32 = 30) {
        self.host = host
        self.port = port
        self.clientID = clientID
        self.username = username
        self.password = password
        self.keepAliveSeconds = keepAliveSeconds
    }

    /// e.g. `mqtt://127.0.0.1:11883`.
    public var url: String { "mqtt://\(host):\(port)" }
}

/// A message as received.
public struct MQTTMessage: Sendable {
    public var topic: String
    public var payload: [UInt8]
    public var qos: Int32
    public var retained: Bool

    public init(topic: String, payload: [UInt8], qos: Int32 = 1, retained: Bool = false) {
        self.topic = topic
        self.payload = payload
        self.qos = qos
        self.retained = retained
    }
}

/// MQTT topic filter matching (`+` one level, `#` the rest), as libmosquitto does it.
public enum MQTTTopicFilter {
    public static func matches(_ filter: String, topic: String) -> Bool {
        var result = false
        return mosquitto_topic_matches_sub(filter, topic, &result) == MOSQ_ERR_SUCCESS.rawValue && result
    }

    /// Whether `filter` is a topic filter a broker accepts: `+` and `#` alone in their level, `#` last.
    public static func isValid(_ filter: String) -> Bool {
        !filter.isEmpty && filter.utf8.count <= 65_535 && mosquitto_sub_topic_check(filter) == MOSQ_ERR_SUCCESS.rawValue
    }

    /// The topic levels that the filter's wildcards matched, e.g. `city/+/air` on `city/wh-1/air` gives `["wh-1"]`.
    public static func wildcardLevels(_ filter: String, topic: String) -> [String] {
        let filterLevels = filter.split(separator: "/", omittingEmptySubsequences: false)
        let topicLevels = topic.split(separator: "/", omittingEmptySubsequences: false)
        var matched: [String] = []
        for (index, level) in filterLevels.enumerated() {
            if level == "#" {
                matched.append(topicLevels.dropFirst(index).joined(separator: "/"))
                break
            }
            if level == "+", index < topicLevels.count { matched.append(String(topicLevels[index])) }
        }
        return matched
    }
}

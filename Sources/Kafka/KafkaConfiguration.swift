/// Settings shared by producers, consumers and admin clients.
public struct KafkaClientConfiguration: Sendable {
    /// `bootstrap.servers`: comma-separated `host:port` list.
    public var bootstrapServers: String
    /// `client.id`: shows in broker logs and metrics. Default `shikong`.
    public var clientID: String
    /// Any further librdkafka property, passed through unchanged (e.g. `security.protocol`).
    public var properties: [String: String]

    public init(bootstrapServers: String, clientID: String = "shikong", properties: [String: String] = [:]) {
        self.bootstrapServers = bootstrapServers
        self.clientID = clientID
        self.properties = properties
    }

    var rdKafkaProperties: [String: String] {
        var all = ["bootstrap.servers": bootstrapServers, "client.id": clientID]
        all.merge(properties) { _, explicit in explicit }
        return all
    }
}

/// Producer settings. Defaults give an idempotent producer that waits for all in-sync replicas.
public struct KafkaProducerConfiguration: Sendable {
    public var client: KafkaClientConfiguration
    /// `enable.idempotence`: no duplicates or reordering from producer retries. Default `true`.
    public var idempotence: Bool = true
    /// `acks`: `all` waits for every in-sync replica. Default `all`.
    public var acks: String = "all"
    /// `linger.ms`: how long to wait to fill a batch. Default 5 (good for the local broker).
    public var lingerMilliseconds: Int = 5
    /// `message.timeout.ms`: a record not delivered by then fails its delivery report. Default 30000.
    public var messageTimeoutMilliseconds: Int = 30_000
    /// `compression.type`. Default `lz4`.
    public var compression: String = "lz4"
    /// `queue.buffering.max.messages`: records buffered before `send` waits. Default 100000.
    public var maxBufferedMessages: Int = 100_000

    public init(client: KafkaClientConfiguration) {
        self.client = client
    }

    var rdKafkaProperties: [String: String] {
        var all = [
            "enable.idempotence": idempotence ? "true" : "false",
            "acks": acks,
            "linger.ms": String(lingerMilliseconds),
            "message.timeout.ms": String(messageTimeoutMilliseconds),
            "compression.type": compression,
            "queue.buffering.max.messages": String(maxBufferedMessages),
        ]
        all.merge(client.rdKafkaProperties) { _, explicit in explicit }
        return all
    }
}

/// Consumer settings. Offsets are never committed automatically: stages commit what they finished.
public struct KafkaConsumerConfiguration: Sendable {
    public var client: KafkaClientConfiguration
    /// `group.id`: consumers sharing it split the partitions between them.
    public var groupID: String
    /// `auto.offset.reset` when a partition has no position: `earliest` (default) or `latest`.
    public var autoOffsetReset: String = "earliest"
    /// `session.timeout.ms`. Default 6000: a group join on the local broker takes about half of it.
    public var sessionTimeoutMilliseconds: Int = 6_000
    /// `fetch.wait.max.ms`: how long the broker may hold a fetch. Default `backgroundFetchWait` (100);
    /// the consumers on a reading's way to PostGIS and to live subscribers use `interactiveFetchWait`.
    public var fetchWaitMaxMilliseconds: Int = KafkaConsumerConfiguration.backgroundFetchWait
    /// `fetch.queue.backoff.ms`: once the local queue of fetched messages holds `queued.min.messages`,
    /// how long librdkafka waits before fetching that partition again. Default 10. librdkafka's own
    /// default, 1000, leaves a consumer faster than the broker's batches idle for most of each second:
    /// the aggregator read a backlog at 130k messages/s with it and at 360k with 10.
    public var fetchQueueBackoffMilliseconds: Int = 10
    /// `partition.assignment.strategy`. Default `range`.
    public var assignmentStrategy: String = "range"

    /// The fetch wait of a consumer whose latency people see (20 ms).
    ///
    /// The local broker (Tansu 0.6) holds every fetch for the whole wait, with data or without, and
    /// an idle fetch reads each of its partitions twice, at a cost that grows with what the broker
    /// holds. With every consumer at 10 ms, the 22 consumers of an idle `shikong up` kept it at 110 %
    /// of a core, half of this machine, also while readings flowed. So only the stages between a
    /// reading and what people watch wait this little; every other consumer waits `backgroundFetchWait`.
    public static let interactiveFetchWait = 20
    /// The fetch wait of every other consumer (100 ms): a follower of definitions, an import's stages,
    /// the archive of derived topics. It adds at most two waits per topic a change passes through.
    public static let backgroundFetchWait = 100

    public init(client: KafkaClientConfiguration, groupID: String) {
        self.client = client
        self.groupID = groupID
    }

    /// The same consumer with the fetch wait of a stage people see (`interactiveFetchWait`).
    public func interactive() -> KafkaConsumerConfiguration {
        var configuration = self
        configuration.fetchWaitMaxMilliseconds = Self.interactiveFetchWait
        return configuration
    }

    var rdKafkaProperties: [String: String] {
        var all = [
            "group.id": groupID,
            "enable.auto.commit": "false",
            "enable.auto.offset.store": "false",
            "auto.offset.reset": autoOffsetReset,
            "session.timeout.ms": String(sessionTimeoutMilliseconds),
            "heartbeat.interval.ms": String(max(500, sessionTimeoutMilliseconds / 4)),
            "fetch.wait.max.ms": String(fetchWaitMaxMilliseconds),
            "fetch.queue.backoff.ms": String(fetchQueueBackoffMilliseconds),
            "partition.assignment.strategy": assignmentStrategy,
        ]
        all.merge(client.rdKafkaProperties) { _, explicit in explicit }
        return all
    }
}

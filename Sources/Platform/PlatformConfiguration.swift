import AlertDelivery
import API
import Database
import Events
import Foundation
import NIOSSL
import GeoVocabulary
import Ingest
import Kafka
import MQTT
import Processors
import Projections
import ReadModel

/// Where the platform's backbone services are and how its stages behave.
public struct PlatformConfiguration: Sendable {
    /// Kafka bootstrap servers, e.g. `127.0.0.1:19092`.
    public var kafkaBootstrap: String
    public var mqttHost: String
    public var mqttPort: Int
    public var database: DatabaseConfiguration
    /// Where the API's reads connect: the read-only role of migration 24 (`shikong_reader`), so a
    /// read cannot write whatever SQL it runs. `nil`: reads share `database`'s connection. The local
    /// stack sets it; `--read-database` (env `SHIKONG_READ_DATABASE_URL`) for a platform of separate processes.
    public var readDatabase: DatabaseConfiguration?
    public var httpHost: String
    public var httpPort: Int
    /// MQTT feeds the bridge subscribes to.
    public var feeds: [MQTTFeed]
    /// Readings outside this EPSG:4490 rectangle go to the dead-letter topic.
    public var serviceArea: BoundingBox
    /// Prefix of consumer group ids and the MQTT client id, so several platforms can share a broker.
    public var instance: String
    /// Hold MQTT acknowledgements until the event archive has each event: for a broker that keeps its
    /// log in memory (the local stack). A replicated Kafka cluster does not need it.
    public var acknowledgeAfterArchive: Bool = false
    /// Where local state lives (the gazetteer snapshot), when there is one.
    public var dataDirectory: URL?
    /// Value schemas of the topics, from `topics/`; raw payloads are validated against them.
    public var topics: TopicCatalogue?
    /// Places items that come with an address only (the gazetteer, when loaded).
    public var geocoder: (any AddressGeocoder)?
    /// Page, export, filter, body and statistics limits of the query API.
    public var queryLimits = QueryLimits()
    /// The entity collection of admin region polygons `stats?group_by=admin` uses by default.
    public var adminRegions: String? = "wuhan_districts"
    /// How vector tiles are cut and generalised, and the tile cache's size.
    public var tileLimits = TileLimits()
    /// Where the dashboard's files and MapLibre GL JS come from.
    public var dashboard = DashboardConfiguration()
    /// Extra librdkafka properties for every Kafka client: TLS (`security.protocol=SSL`,
    /// `ssl.ca.location`, …) and SASL (`sasl.mechanisms`, `sasl.username`, `sasl.password`).
    public var kafkaProperties: [String: String] = [:]
    /// HTTPS for the API; `nil`: plain HTTP.
    public var httpTLS: TLSConfiguration?
    /// A CA file to verify the MQTT broker's certificate: MQTT over TLS.
    public var mqttCAFile: String?
    /// The platform's own MQTT account (the bridge, alert delivery), apart from every device's;
    /// `nil`: connect anonymously. Env SHIKONG_MQTT_USERNAME / SHIKONG_MQTT_PASSWORD for the stage commands.
    public var mqttUsername: String?
    public var mqttPassword: String?
    /// Whether callers without a token read public collections (`--no-anonymous-reads` turns it off).
    public var anonymousReads = true
    /// Largest MQTT payload the bridge appends (`--max-payload-bytes`); larger ones are dead letters.
    public var maximumPayloadBytes = 256 * 1_024
    /// Most values one reading may carry (`--max-reading-values`); more make it a dead letter.
    public var maximumReadingValues = ReadingSpatialiser.defaultMaximumValues
    /// Most import jobs (`POST /imports`) running and waiting; more are answered 503.
    public var importQueueCapacity = 8
    /// How often the aggregator and the alerting processor write checkpoints.
    public var liveCheckpointInterval: Duration = .seconds(5)
    /// Whether a process with the `process` stage runs the live layer's processors (aggregator,
    /// alerting, alert delivery) next to the partition-sharing ones. Each of them reads every partition
    /// and keeps one state, so exactly one `process` instance of a deployment runs them
    /// (`shikong process --no-live-layer` in the others).
    public var liveProcessors = true
    /// How webhook deliveries of alerts are tried again.
    public var webhookRetry = RetryPolicy()
    /// What one live subscriber may have waiting before it gets a `gap` (`--live-buffer-bytes`).
    public var liveBufferBytes = 1 << 20
    /// How often an idle live subscription gets a heartbeat (`--live-heartbeat`).
    public var liveHeartbeat: Duration = .seconds(15)
    /// Where a site's operator learns who crawls it (`--crawler-contact`), in the crawler's user agent.
    public var crawlerContact = "https://shikong.invalid/crawler"
    /// Requests in flight at most across every crawl and API poll of a process (`--crawler-concurrency`).
    public var crawlerConcurrency = 8
    /// How the projection stage partitions `sensor_readings` and how long readings stay in it
    /// (`--readings-partition-interval`, `--readings-retention`).
    public var readingPartitions = ReadingPartitionPolicy()
    /// The node's metrics port, heartbeat and id.
    public var node = NodeSettings()

    public init(
        kafkaBootstrap: String, mqttHost: String, mqttPort: Int, database: DatabaseConfiguration, httpHost: String = "127.0.0.1",
        httpPort: Int, feeds: [MQTTFeed] = [MQTTFeed(topicFilter: "city/+/air")], serviceArea: BoundingBox = .china, instance: String = "shikong"
    ) {
        self.kafkaBootstrap = kafkaBootstrap
        self.mqttHost = mqttHost
        self.mqttPort = mqttPort
        self.database = database
        self.httpHost = httpHost
        self.httpPort = httpPort
        self.feeds = feeds
        self.serviceArea = serviceArea
        self.instance = instance
    }

    public var kafkaClient: KafkaClientConfiguration {
        KafkaClientConfiguration(bootstrapServers: kafkaBootstrap, clientID: instance, properties: kafkaProperties)
    }

    /// Consumer group of a stage, e.g. `shikong.spatialiser`, `shikong.projection.sensors`.
    public func group(_ stage: String) -> String { "\(instance).\(stage)" }

    public var mqttConnection: MQTTConnection {
        var connection = MQTTConnection(
            host: mqttHost, port: mqttPort, clientID: "\(instance)-mqtt-bridge", username: mqttUsername, password: mqttPassword)
        connection.caFile = mqttCAFile
        return connection
    }
}

/// The stages a process runs: all of them (`shikong up`) or one each (`ingest`, `process`, `project`, `serve`).
public enum Stage: String, CaseIterable, Sendable {
    case ingest, process, project, serve
}

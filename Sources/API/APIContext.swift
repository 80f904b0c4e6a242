import Events
import FeatureStore
import Gazetteer
import Ingest
import Kafka
import PostgresNIO
import Prometheus

/// What the API's routes work with.
public struct APIContext: Sendable {
    public var database: PostgresClient
    /// Produces re-driven dead letters; without it, re-drive answers 503.
    public var producer: KafkaProducer?
    public var kafka: KafkaClientConfiguration?
    /// The process's metrics, exported on `/metrics`.
    public var metrics: PrometheusCollectorRegistry?
    /// Consumer groups of the processors, for lag on `/metrics`.
    public var processors: [(group: String, topics: [String])]
    /// The geocoding engine, when a gazetteer snapshot was loaded.
    public var gazetteer: GazetteerEngine?
    /// What an import compares a file with (the entity projection's current state).
    public var importBaseline: any ImportBaseline
    /// Imported features outside it are dead letters (EPSG:4490 degrees).
    public var serviceArea: (west: Double, south: Double, east: Double, north: Double)
    /// Largest upload accepted by `POST /imports` (`--max-upload-bytes`).
    public var maximumUploadBytes = 2 * 1024 * 1024 * 1024
    /// Page, export, filter and statement limits of the query API.
    public var queryLimits = QueryLimits()
    /// The entity collection of admin region polygons `stats?group_by=admin` uses by default (the demo's districts).
    public var adminRegions: String? = "wuhan_districts"
    /// The process's stages: `/health` answers 503 until every one is connected.
    public var readiness: Readiness?

    public init(
        database: PostgresClient, producer: KafkaProducer? = nil, kafka: KafkaClientConfiguration? = nil,
        metrics: PrometheusCollectorRegistry? = nil, processors: [(group: String, topics: [String])] = [], gazetteer: GazetteerEngine? = nil,
        importBaseline: any ImportBaseline, serviceArea: (west: Double, south: Double, east: Double, north: Double)
    ) {
        self.database = database
        self.producer = producer
        self.kafka = kafka
        self.metrics = metrics
        self.processors = processors
        self.gazetteer = gazetteer
        self.importBaseline = importBaseline
        self.serviceArea = serviceArea
    }
}

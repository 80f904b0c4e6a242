import Access
import Events
import Gazetteer
import GeoVocabulary
import Ingest
import Kafka
import Logging
import Live
import PostgresNIO
import Projections
import Prometheus
import ReadModel

/// What the API's routes work with.
public struct APIContext: Sendable {
    /// The platform's own connection: writes, and the reads that belong to them (token checks,
    /// baselines of edits and imports).
    public var database: PostgresClient
    /// The read model's connection: the read-only role where the platform runs one (migration 24),
    /// so no read can write whatever SQL it runs; `database` otherwise.
    public var reader: PostgresClient
    /// Produces re-driven dead letters; without it, re-drive answers 503.
    public var producer: KafkaProducer?
    /// The process's metrics, exported on `/metrics`.
    public var metrics: PrometheusCollectorRegistry?
    /// Consumer lag, measured in the background, for `/metrics`.
    public var lag: ConsumerLagMonitor?
    /// The geocoding engine, when a gazetteer snapshot was loaded.
    public var gazetteer: GazetteerEngine?
    /// What an import compares a file with (the entity projection's current state).
    public var importBaseline: any ImportBaseline
    /// Runs the jobs of `POST /imports`; without it, imports answer 503.
    public var imports: ImportJobQueue?
    /// Imported features outside it are dead letters (EPSG:4490 degrees).
    public var serviceArea: BoundingBox
    /// Largest upload accepted by `POST /imports` (`--max-upload-bytes`).
    public var maximumUploadBytes = 2 * 1024 * 1024 * 1024
    /// Page, export, filter and statement limits of the query API.
    public var queryLimits = QueryLimits()
    /// The live tail subscriptions follow; without it, `/collections/{c}/live` answers 503.
    public var live: LiveHub?
    /// The entity collection of admin region polygons `stats?group_by=admin` uses by default (the demo's districts).
    public var adminRegions: String? = "wuhan_districts"
    /// How vector tiles are cut and generalised, and the cache's size.
    public var tileLimits = TileLimits()
    /// Rendered tiles; a ``TileChangeListener`` keeps it fresh (without one nothing is cached).
    public var tileCache: TileCache
    /// Where the dashboard's files and MapLibre GL JS are read from.
    public var dashboard = DashboardConfiguration()
    /// The process's stages: `/health` answers 503 until every one is connected.
    public var readiness: Readiness?
    /// Kafka, PostgreSQL and MQTT as the background probe last found them: `/health` reports each
    /// and answers 503 when one the node needs is unreachable. Without it, `/health` pings PostgreSQL.
    public var dependencies: DependencyHealth?
    /// This node, as `/health` names it.
    public var node: NodeIdentity?
    /// Users, grants and tokens: who a bearer token stands for.
    public var access: AccessStore
    /// Whether callers without a token read public collections (on by default; `--no-anonymous-reads`).
    public var anonymousReads = true
    /// Checks a threshold rule's CQL2 condition as the alerting processor will compile it (parse
    /// and type-check); throws why it cannot apply. Without it, the API only parses conditions.
    public var checkCondition: (@Sendable (_ text: String, _ source: AlertRule.Source) throws -> Void)?
    /// What checks each kind of task's definition (`POST /tasks`, `PATCH /tasks/{id}`); a kind
    /// without one cannot be added.
    public var taskValidators: [any TaskDefinitionValidator] = []

    public init(
        database: PostgresClient, producer: KafkaProducer? = nil, metrics: PrometheusCollectorRegistry? = nil, lag: ConsumerLagMonitor? = nil,
        gazetteer: GazetteerEngine? = nil,
        importBaseline: any ImportBaseline, serviceArea: BoundingBox
    ) {
        self.database = database
        self.reader = database
        self.producer = producer
        self.metrics = metrics
        self.lag = lag
        self.gazetteer = gazetteer
        self.importBaseline = importBaseline
        self.serviceArea = serviceArea
        self.tileCache = TileCache(capacity: TileLimits().cacheBytes)
        self.access = AccessStore(client: database, logger: Logger(label: "shikong.access"))
    }
}

import API
import Crawler
import Database
import Events
import Foundation
import Gazetteer
import Geodesy
import Ingest
import Kafka
import Live
import Logging
import PostgresNIO
import Processors
import Projections
import ReadModel
import ServiceLifecycle

/// Builds the stage services of a process and what they share (one producer, one database pool).
public final class Pipeline: Sendable {
    public let configuration: PlatformConfiguration
    public let producer: KafkaProducer
    public let database: PostgresClient?
    /// What of this process is connected yet: `/health` and `shikong up` wait for it.
    public let readiness: Readiness
    /// Services in start order; the service group stops them in reverse, so upstream stages stop
    /// first and downstream ones drain what is left.
    public let services: [any Service]
    /// Runs this process's tasks (MQTT feeds, with the ingest stage).
    public let tasks: TaskRuntime?
    /// This process as its heartbeat announces it.
    public let node: NodeIdentity
    /// Kafka, PostgreSQL and MQTT as the background probe last found them.
    public let dependencies: DependencyHealth

    public init(
        configuration: PlatformConfiguration, stages: Set<Stage>, logger: Logger, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws {
        PlatformMetrics.bootstrap()
        self.configuration = configuration
        let readiness = Readiness()
        self.readiness = readiness
        let client = configuration.kafkaClient
        producer = try KafkaProducer(configuration: KafkaProducerConfiguration(client: client), logger: logger)
        // Every node writes its heartbeat to the database; the bridge also keeps there the bytes of
        // messages it cannot append.
        let database = PostgresClient(configuration: try configuration.database.client(), backgroundLogger: logger)
        self.database = database
        let node = NodeIdentity(
            id: configuration.node.id, instance: configuration.instance, roles: stages.map(\.rawValue), metricsPort: configuration.node.metricsPort,
            httpPort: stages.contains(.serve) ? configuration.httpPort : nil)
        self.node = node
        let dependencies = DependencyHealth(required: Self.requiredDependencies(stages))
        self.dependencies = dependencies
        var services: [any Service] = [database, producer]
        services.append(
            contentsOf: Self.observability(
                configuration, stages: stages, node: node, dependencies: dependencies, pipeline: (producer, database, readiness)))
        var gate: ArchiveDurabilityGate?
        if stages.contains(.ingest), configuration.acknowledgeAfterArchive {
            let archiveGate = ArchiveDurabilityGate(client: database, logger: Logger(label: "shikong.durability"))
            gate = archiveGate
            services.append(archiveGate)
        }
        // One gazetteer engine for the process, kept in step with `gazetteer.changes`.
        let engine = stages.contains(.serve) || stages.contains(.process) ? Self.loadGazetteer(configuration, logger: logger) : nil
        if let engine {
            services.append(GazetteerFollower(engine: engine, kafka: client, logger: Logger(label: "shikong.gazetteer")))
        }
        let geocoder = engine.map { GazetteerGeocoder(engine: $0) }
        // One HTTP client for crawls, API polls and the live samples that check API-poll definitions.
        var fetcher: HTTPPageFetcher?
        if stages.contains(.serve) || stages.contains(.ingest) {
            let pageFetcher = HTTPPageFetcher(configuration: .init(userAgent: UserAgent(contactURL: configuration.crawlerContact)))
            fetcher = pageFetcher
            services.append(PageFetcherService(fetcher: pageFetcher))
        }
        if stages.contains(.serve) {
            let lag = ConsumerLagMonitor(
                lag: ConsumerLag(client: database, admin: producer.admin, kafka: client, logger: logger),
                processors: Self.processorGroups(configuration),
                logger: Logger(label: "shikong.lag"))
            services.append(lag)
            // The read model's own pool, as the read-only role when one is configured.
            var reader = database
            if let readDatabase = configuration.readDatabase {
                reader = PostgresClient(configuration: try readDatabase.client(), backgroundLogger: logger)
                services.append(reader)
            }
            var context = APIContext(
                database: database, producer: producer, metrics: PlatformMetrics.registry, lag: lag, gazetteer: engine,
                importBaseline: EntityBaseline(client: database, logger: Logger(label: "shikong.import")),
                serviceArea: configuration.serviceArea)
            // Uploads wait under the data directory, so a job interrupted by a restart can resume.
            let uploads =
                configuration.dataDirectory?.appendingPathComponent("imports", isDirectory: true)
                ?? FileManager.default.temporaryDirectory.appendingPathComponent("shikong-imports-\(configuration.instance)", isDirectory: true)
            let imports = ImportJobQueue(
                directory: uploads, capacity: configuration.importQueueCapacity, producer: producer,
                baseline: EntityBaseline(client: database, logger: Logger(label: "shikong.import")), serviceArea: configuration.serviceArea,
                logger: Logger(label: "shikong.import"))
            services.append(imports)
            context.imports = imports
            context.reader = reader
            context.queryLimits = configuration.queryLimits
            context.readiness = readiness
            context.dependencies = dependencies
            context.node = node
            context.adminRegions = configuration.adminRegions
            context.taskValidators = [MQTTFeedDefinition.Validator(), CrawlTaskDefinition.Validator()]
            if let fetcher { context.taskValidators.append(APIPollTaskDefinition.Validator(fetcher: fetcher)) }
            context.tileLimits = configuration.tileLimits
            context.tileCache = TileCache(capacity: configuration.tileLimits.cacheBytes)
            context.dashboard = configuration.dashboard
            context.anonymousReads = configuration.anonymousReads
            services.append(TileChangeListener(database: configuration.database, cache: context.tileCache, logger: Logger(label: "shikong.tiles")))
            services.append(BasemapLoader(client: database, engine: engine, logger: Logger(label: "shikong.basemap")))
            var live = LiveHub.Configuration(
                kafka: client, groupID: configuration.group("live"),
                partitions: LiveHub.partitions(.standard, catalogue: configuration.topics))
            live.bufferBytes = configuration.liveBufferBytes
            live.heartbeat = configuration.liveHeartbeat
            let hub = LiveHub(
                configuration: live, archive: LiveArchive(client: reader, logger: Logger(label: "shikong.live")),
                logger: Logger(label: "shikong.live"))
            context.live = hub
            context.checkCondition = { text, source in _ = try LiveConditions.compiler(text, source) }
            services.append(
                try APIServer.application(
                    configuration: .init(host: configuration.httpHost, port: configuration.httpPort, tls: configuration.httpTLS),
                    context: context, logger: Logger(label: "shikong.api"), onServerRunning: onServerRunning))
            // After the server, so it stops first: open subscriptions end and the server can drain.
            services.append(hub)
        }
        if stages.contains(.project) {
            var archiveCommitted: (@Sendable ([TopicPartition: Int64]) -> Void)?
            if let gate { archiveCommitted = { @Sendable positions in gate.archived(positions) } }
            services.append(
                contentsOf: Self.projections(
                    configuration, database: database, producer: producer, readiness: readiness, archiveCommitted: archiveCommitted))
            services.append(QueryableIndexService(client: database, logger: Logger(label: "shikong.queryable-indexes")))
            services.append(
                ReadingPartitionMaintenance(
                    client: database, policy: configuration.readingPartitions,
                    node: "\(configuration.instance)@\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)",
                    logger: Logger(label: "shikong.reading-partitions")))
        }
        if stages.contains(.process) {
            let checker = EntityChecker(
                serviceArea: configuration.serviceArea, geocoder: configuration.geocoder ?? geocoder,
                schema: try configuration.topics?.definition(Topics.rawEntities)?.compiledSchema())
            let locator = ItemLocator(
                geocoder: geocoder ?? UnavailableGeocoder(), schema: try configuration.topics?.definition(Topics.rawItems)?.compiledSchema())
            // Readings of feeds bound to the registry are checked against it; every processor process follows it.
            let registry = SensorRegistry(kafka: client, watermarks: producer, logger: Logger(label: "shikong.registry"))
            services.append(registry)
            let spatialiser = ReadingSpatialiser(
                serviceArea: configuration.serviceArea, schema: try configuration.topics?.definition(Topics.rawSensorReadings)?.compiledSchema(),
                maximumValues: configuration.maximumReadingValues, registry: registry)
            func stage(_ group: String, _ input: String, _ name: String, parallel: Bool = false) -> ProcessorStage.Configuration {
                var stage = ProcessorStage.Configuration(
                    consumer: KafkaConsumerConfiguration(client: client, groupID: configuration.group(group)), inputTopic: input, stage: name)
                stage.parallel = parallel
                stage.readiness = readiness
                return stage
            }
            services.append(
                ProcessorStage(
                    configuration: stage("entities", Topics.rawEntities, EntityChecker.stage), producer: producer,
                    logger: Logger(label: "shikong.entities"), process: checker.check))
            // Geocoding is the costly part of placing an item: a batch is placed on every core.
            services.append(
                ProcessorStage(
                    configuration: stage("items", Topics.rawItems, ItemLocator.stage, parallel: true), producer: producer,
                    logger: Logger(label: "shikong.items"), process: locator.locate))
            var spatialiserStage = stage("spatialiser", Topics.rawSensorReadings, ReadingSpatialiser.stage)
            spatialiserStage.consumer = spatialiserStage.consumer.interactive()
            spatialiserStage.refresh = { _ = await registry.catchUp() }
            services.append(
                ProcessorStage(
                    configuration: spatialiserStage, producer: producer, logger: Logger(label: "shikong.spatialiser"),
                    process: spatialiser.spatialise))
            if configuration.liveProcessors {
                services.append(contentsOf: LiveStages.processors(configuration, producer: producer, gazetteer: engine, readiness: readiness))
            }
        }
        var tasks: TaskRuntime?
        if stages.contains(.ingest) {
            var bridgeConfiguration = MQTTBridge.Configuration(connection: configuration.mqttConnection)
            bridgeConfiguration.maximumPayloadBytes = configuration.maximumPayloadBytes
            bridgeConfiguration.readiness = readiness
            // The feeds are tasks: what a persistent session delivers before they are active waits for them.
            bridgeConfiguration.holdUntilFeedsKnown = true
            let bridge = MQTTBridge(
                configuration: bridgeConfiguration, producer: producer,
                payloads: PostgresDeadLetterPayloads(client: database, logger: Logger(label: "shikong.mqtt-bridge")), gate: gate,
                logger: Logger(label: "shikong.mqtt-bridge"))
            services.append(bridge)
            // After the bridge, so it stops first: its runners deactivate their feeds while the bridge still runs.
            let runtime = Self.taskRuntime(
                configuration, bridge: bridge, fetcher: fetcher, database: database, producer: producer, readiness: readiness)
            tasks = runtime
            services.append(runtime)
        }
        self.tasks = tasks
        self.services = services
    }

    /// The task runtime of an ingest process: MQTT feeds on `bridge`, the `--feed` flags as tasks;
    /// crawls and API polls through `fetcher`, one host gate and one concurrency limit.
    static func taskRuntime(
        _ configuration: PlatformConfiguration, bridge: MQTTBridge, fetcher: HTTPPageFetcher?, database: PostgresClient, producer: KafkaProducer,
        readiness: Readiness
    ) -> TaskRuntime {
        let logger = Logger(label: "shikong.tasks")
        var runtime = TaskRuntime.Configuration(
            kafka: configuration.kafkaClient,
            process: "\(configuration.instance)@\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)")
        runtime.seeds = configuration.feeds.map { MQTTFeedDefinition.task(for: $0, editor: "cli") }
        runtime.readiness = readiness
        runtime.onReady = { [bridge] in bridge.feedsKnown() }
        let feeds = MQTTFeedRunnerFactory(
            bridge: bridge, history: ReadModelFeedSensorHistory(client: database, logger: logger),
            reporter: SilenceAlertPublisher(producer: producer), logger: logger)
        var factories: [any TaskRunnerFactory] = [feeds]
        if let fetcher {
            factories.append(
                CrawlRunnerFactory(
                    fetcher: fetcher, gate: HostGate(), limit: ConcurrencyLimit(limit: configuration.crawlerConcurrency), producer: producer,
                    memory: PostgresCrawlMemory(client: database, logger: logger), logger: Logger(label: "shikong.crawler")))
            factories.append(APIPollRunnerFactory(fetcher: fetcher, producer: producer, logger: Logger(label: "shikong.api-poll")))
        }
        return TaskRuntime(
            configuration: runtime, factories: factories, producer: producer, store: PostgresTaskStatusStore(client: database, logger: logger),
            logger: logger)
    }

    /// The projection services of a process: the archive of every topic, sensors, dead letters, entities,
    /// import jobs, located items, gazetteer changes, and the live layer (aggregate windows, alerts and
    /// definitions). `archiveCommitted` hears the archive's
    /// positions as it commits them (the durability gate of an ingest stage in the same process).
    ///
    /// The archive runs as three consumers, each with its own stream of transactions: one for the
    /// readings topic (which the durability gate waits for), one for what other sources append (the
    /// other `raw.*` topics) and one for what the stages derive from them. A source's acknowledgement
    /// then never waits behind derived events or an import, and the three write in parallel. Their
    /// partitions differ, so their stored positions never overlap.
    static func projections(
        _ configuration: PlatformConfiguration, database: PostgresClient, producer: KafkaProducer,
        readiness: Readiness, archiveCommitted: (@Sendable ([TopicPartition: Int64]) -> Void)? = nil
    ) -> [any Service] {
        // Readings reach `sensor_readings` through the sensor projection, and an MQTT burst is
        // acknowledged once the archive of the readings topic holds it: those two fetch with the short wait.
        func runner<P: Projection>(_ projection: P, group: String? = nil, interactive: Bool = false) -> ProjectionRunner<P> {
            let consumer = KafkaConsumerConfiguration(
                client: configuration.kafkaClient, groupID: configuration.group(group ?? "projection.\(projection.name)"))
            var runnerConfiguration = ProjectionRunner<P>.Configuration(consumer: interactive ? consumer.interactive() : consumer)
            if projection.name == ArchiveProjection.projectionName { runnerConfiguration.onCommit = archiveCommitted }
            runnerConfiguration.readiness = readiness
            return ProjectionRunner(
                projection: projection, configuration: runnerConfiguration, client: database, producer: producer,
                logger: Logger(label: "shikong.projection.\(projection.name)"))
        }
        let archived = configuration.topics?.topics.map(\.name) ?? [Topics.rawSensorReadings, Topics.spatialEvents, Topics.deadLetters]
        // The readings topic, which MQTT acknowledgements wait for, has a consumer of its own with the short
        // wait; the other appended topics (imports, crawls) one with the long wait; derived topics a third.
        let readings = archived.filter { $0 == Topics.rawSensorReadings }
        let otherAppended = archived.filter { $0.hasPrefix("raw.") && $0 != Topics.rawSensorReadings }
        let derived = archived.filter { !$0.hasPrefix("raw.") }
        var services: [any Service] = []
        if !readings.isEmpty { services.append(runner(ArchiveProjection(topics: readings), interactive: true)) }
        if !otherAppended.isEmpty { services.append(runner(ArchiveProjection(topics: otherAppended), group: "projection.archive.appended")) }
        if !derived.isEmpty { services.append(runner(ArchiveProjection(topics: derived), group: "projection.archive.derived")) }
        return services + [
            runner(SensorProjection(), interactive: true), runner(DeadLetterProjection()), runner(EntityProjection()), runner(ImportJobProjection()),
            runner(ItemProjection()), runner(GazetteerChangeProjection()), runner(CatalogueProjection()),
            runner(AggregateProjection()), runner(AlertProjection()), runner(DefinitionProjection()), runner(TaskProjection()),
            runner(TaskRunProjection()), runner(RegistryProjection()), runner(AuditProjection()),
        ]
    }

    /// The processors whose consumer-group positions `LogRecovery` restores.
    public static func recoverableProcessors(_ configuration: PlatformConfiguration) -> [LogRecovery.Processor] {
        [
            LogRecovery.Processor(group: configuration.group("spatialiser"), input: Topics.rawSensorReadings, outputs: [Topics.spatialEvents]),
            LogRecovery.Processor(group: configuration.group("entities"), input: Topics.rawEntities, outputs: [Topics.spatialEntities]),
            LogRecovery.Processor(group: configuration.group("items"), input: Topics.rawItems, outputs: [Topics.spatialItems]),
        ]
    }

    /// Processor consumer groups and their inputs, for lag reports.
    public static func processorGroups(_ configuration: PlatformConfiguration) -> [(group: String, topics: [String])] {
        recoverableProcessors(configuration).map { ($0.group, [$0.input]) }
    }

    /// The gazetteer snapshot under the data directory, when one was made (`shikong gazetteer load`).
    static func loadGazetteer(_ configuration: PlatformConfiguration, logger: Logger) -> GazetteerEngine? {
        guard let directory = configuration.dataDirectory,
            FileManager.default.fileExists(atPath: GazetteerStore.snapshotURL(dataDirectory: directory).path)
        else {
            logger.notice(
                "no gazetteer snapshot: /geocode is off, and crawl items and address-only imports become dead letters until `shikong gazetteer load` and a restart",
                metadata: ["data directory": "\(configuration.dataDirectory?.path ?? "none")"])
            return nil
        }
        do {
            return GazetteerEngine(try GazetteerStore.load(dataDirectory: directory))
        } catch {
            logger.warning("gazetteer snapshot not loaded; geocoding is off", metadata: ["error": "\(error)"])
            return nil
        }
    }

    /// Creates the database if it is missing and applies migrations. Retries while PostgreSQL starts up.
    public static func prepareDatabase(_ database: DatabaseConfiguration, logger: Logger) async throws {
        try await DatabaseSchema.prepare(database, logger: logger)
    }

    /// Creates the catalogue's missing topics and reconciles the others; logs what it did and any drift.
    @discardableResult
    public static func applyTopics(_ catalogue: TopicCatalogue, bootstrap: String, logger: Logger) throws -> [TopicReconciler.Outcome] {
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(client: KafkaClientConfiguration(bootstrapServers: bootstrap, clientID: "shikong-admin")))
        defer { producer.close() }
        let outcomes = try TopicReconciler(admin: producer.admin, logger: logger).reconcile(catalogue, fix: true)
        let brokers = try producer.admin.layout().brokers
        logger.info("\(TopicReconciler.replicationSummary(catalogue, brokers: brokers))")
        for outcome in outcomes {
            if outcome.drift.isEmpty {
                logger.info(
                    "topic \(outcome.actions.isEmpty ? "in line" : outcome.actions.joined(separator: "; "))", metadata: ["topic": "\(outcome.topic)"])
            } else {
                logger.warning("topic drift", metadata: ["topic": "\(outcome.topic)", "drift": "\(outcome.drift.joined(separator: "; "))"])
            }
        }
        return outcomes
    }

    /// Puts back, from the event archive, a log the broker lost (see `LogRecovery`). Run it before any
    /// stage starts.
    @discardableResult
    public static func recoverLog(_ configuration: PlatformConfiguration, logger: Logger) async throws -> LogRecovery.Report {
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(client: configuration.kafkaClient), logger: logger)
        defer { producer.close() }
        return try await withDatabase(configuration.database, logger: logger) { client in
            try await LogRecovery(
                client: client, producer: producer, kafka: configuration.kafkaClient, processors: recoverableProcessors(configuration), logger: logger
            ).run()
        }
    }

    /// Runs `body` with a connection pool that lives as long as it does (for commands and setup steps).
    public static func withDatabase<T: Sendable>(
        _ configuration: DatabaseConfiguration, logger: Logger, _ body: @Sendable (PostgresClient) async throws -> T
    ) async throws -> T {
        try await DatabaseSession.withClient(configuration, logger: logger, body)
    }
}

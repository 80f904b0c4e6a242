import ArgumentParser
import Backup
import Demo
import Events
import Foundation
import Ingest
import LocalStack
import Logging
import MQTT
import Platform
import Projections
import ServiceLifecycle

struct Up: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the whole platform on this machine: local PostgreSQL/PostGIS, Mosquitto and Kafka broker, and every stage.",
        discussion: "Data lives under --data-dir. Ctrl-C (SIGINT) or SIGTERM stops the stages in order and then the services.")

    @Option(help: "Data directory (PostgreSQL cluster, Mosquitto persistence, logs). Env SHIKONG_DATA_DIR.")
    var dataDir: String = env("SHIKONG_DATA_DIR", ".shikong")

    @Option(help: "HTTP API port. Env SHIKONG_HTTP_PORT.")
    var httpPort: Int = Int(env("SHIKONG_HTTP_PORT", "18080")) ?? 18080

    @Option(help: "PostgreSQL port. Env SHIKONG_PG_PORT.")
    var pgPort: Int = Int(env("SHIKONG_PG_PORT", "15432")) ?? 15432

    @Option(help: "MQTT port. Env SHIKONG_MQTT_PORT.")
    var mqttPort: Int = Int(env("SHIKONG_MQTT_PORT", "11883")) ?? 11883

    @Option(help: "Kafka broker port. Env SHIKONG_KAFKA_PORT.")
    var kafkaPort: Int = Int(env("SHIKONG_KAFKA_PORT", "19092")) ?? 19092

    @Option(help: "Directory with PostgreSQL's initdb and postgres. Env SHIKONG_PG_BIN.")
    var pgBin: String = env("SHIKONG_PG_BIN", "/usr/lib/postgresql/15/bin")

    @Flag(
        help: """
            Also run a synthetic sensor network for Wuhan: air-quality stations and traffic counters registered in the \
            sensor registry (GET /things, /datastreams) and published over MQTT through two feed tasks bound to it \
            (demo-air-quality on wuhan/+/air, demo-traffic on wuhan/+/traffic; GET /tasks); import Wuhan's real district \
            boundaries (from the data scripts/fetch-gazetteer-data fetches) as the collection wuhan_districts; publish a \
            few Chinese crawl items to place (see /items); and run the early-warning demonstration: minute PM2.5 \
            aggregates per district (collection aggregates), a threshold rule per district on them (alerts raised and \
            cleared in collection alerts) and a vehicle fleet with district-entry alerts (collection alerts).
            """)
    var demo = false

    @Flag(
        help: """
            MQTT devices sign in: Mosquitto refuses anonymous clients and takes only devices registered with \
            shikong devices add (each may publish only to its own topics) and the platform's own account; the files are \
            reloaded without a restart when devices change. The demo feeds use the platform's account.
            """)
    var mqttDeviceCredentials = false

    @Option(help: "Demo stations.")
    var stations = 300

    @Option(help: "Seconds between demo rounds.")
    var demoInterval = 5

    @Option(help: "Demo vehicles driving through Wuhan (MQTT fleet/<vehicle>/position).")
    var vehicles = 20

    @Option(
        help: """
            Backup directory: PostgreSQL archives every WAL segment into <dir>/wal (continuous archiving, at least once a \
            minute) and base backups go to <dir>/base (see `shikong backup`). Default <data-dir>/backups. Env SHIKONG_BACKUP_DIR.
            """)
    var backupDir: String?

    @Flag(inversion: .prefixedNo, help: "Archive WAL and take scheduled base backups.")
    var backups = true

    @Option(help: "Hours between scheduled base backups (the first a minute after the first start).")
    var backupEvery = 24.0

    @Option(help: "Base backups to keep (with the WAL they need); older ones are deleted.")
    var backupKeep = 3

    @OptionGroup var pipeline: PipelineOptions
    @OptionGroup var node: NodeOptions
    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        let logger = logging.bootstrap("shikong.up")
        guard let tansu = StackConfiguration.locateTansu() else {
            throw ValidationError("the Tansu broker was not found: run scripts/setup (it installs .venv/bin/tansu) or set SHIKONG_TANSU_BIN")
        }
        var stack = StackConfiguration(dataDirectory: URL(fileURLWithPath: dataDir).standardizedFileURL, tansuExecutable: tansu)
        stack.postgresPort = pgPort
        stack.mqttPort = mqttPort
        stack.kafkaPort = kafkaPort
        stack.postgresBin = pgBin
        guard backupEvery > 0, backupKeep >= 1 else { throw ValidationError("--backup-every must be positive and --backup-keep at least 1") }
        let backupStore = BackupStore(
            root: URL(fileURLWithPath: backupDir ?? env("SHIKONG_BACKUP_DIR", stack.dataDirectory.appendingPathComponent("backups").path)))
        if backups { stack.walArchiveDirectory = backupStore.walDirectory }
        let catalogue = try pipeline.catalogue()
        var feeds = try pipeline.parsedFeeds()
        if demo && !feeds.contains(where: { $0.topicFilter == VehicleFleet.topicFilter }) {
            feeds.append(MQTTFeed(topicFilter: VehicleFleet.topicFilter))
        }
        let (local, broughtUp) = try await LocalPlatform.bringUp(
            stack, httpPort: httpPort, feeds: feeds, serviceArea: try pipeline.parsedServiceArea(), topics: catalogue,
            instance: pipeline.instance, deviceCredentials: mqttDeviceCredentials, logger: logger)
        var configured = broughtUp
        configured.queryLimits = try pipeline.queryLimits()
        configured.adminRegions = pipeline.adminRegions
        configured.tileLimits = try pipeline.tileLimits()
        configured.dashboard = pipeline.dashboard
        configured.anonymousReads = pipeline.anonymousReads
        configured.maximumPayloadBytes = pipeline.maxPayloadBytes
        configured.maximumReadingValues = pipeline.maxReadingValues
        try pipeline.applyLive(to: &configured)
        configured.readingPartitions = try pipeline.readingPartitions()
        try node.apply(to: &configured)
        let configuration = configured
        for line in try await AccessBootstrap.run(configuration.database, demo: demo, logger: logger) { print(line) }
        let pipelineServices = try Pipeline(configuration: configuration, stages: Set(Stage.allCases), logger: logger)
        var services: [any Service] = [LocalStackService(stack: local)] + pipelineServices.services
        if let sync = DeviceAccessSync.local(stack: local, configuration: configuration, logger: Logger(label: "shikong.devices")) {
            services.append(sync)
        }
        if backups {
            services.append(
                ScheduledBackups(
                    database: configuration.database, store: backupStore, programs: PostgresPrograms(directory: pgBin),
                    interval: .seconds(backupEvery * 3600), keep: backupKeep, logger: Logger(label: "shikong.backup")))
        }
        // Announced only when every stage is connected and the bridge's subscriptions are acknowledged.
        var oneShot: [any Service] = [
            ReadinessAnnouncement(
                readiness: pipelineServices.readiness,
                message:
                    "Shikong is up: http://\(configuration.httpHost):\(configuration.httpPort)/map (dashboard), http://\(configuration.httpHost):\(configuration.httpPort)/collections/sensors/items  (MQTT \(configuration.mqttHost):\(configuration.mqttPort), Kafka \(configuration.kafkaBootstrap))",
                logger: logger)
        ]
        if demo {
            oneShot.append(
                DemoBaseData(
                    data: CityBaseData(gazetteerData: CityBaseData.defaultDataDirectory), configuration: configuration,
                    producer: pipelineServices.producer, logger: Logger(label: "shikong.demo")))
            // Stations and counters are things of the sensor registry; each network is a feed task bound to it.
            let air = AirQualityFeed(
                connection: MQTTConnection(
                    host: configuration.mqttHost, port: configuration.mqttPort, clientID: "\(pipeline.instance)-demo-feed",
                    username: configuration.mqttUsername, password: configuration.mqttPassword),
                stationCount: stations, interval: .seconds(demoInterval),
                firstRoundAfter: { _ = await pipelineServices.tasks?.waitUntilReady(DemoSensing.airTask, timeout: .seconds(60)) },
                logger: Logger(label: "shikong.demo"))
            let traffic = TrafficFeed(
                connection: MQTTConnection(
                    host: configuration.mqttHost, port: configuration.mqttPort, clientID: "\(pipeline.instance)-demo-traffic",
                    username: configuration.mqttUsername, password: configuration.mqttPassword),
                interval: .seconds(demoInterval),
                firstRoundAfter: { _ = await pipelineServices.tasks?.waitUntilReady(DemoSensing.trafficTask, timeout: .seconds(60)) },
                logger: Logger(label: "shikong.demo"))
            oneShot.append(
                DemoSensingSetup(
                    producer: pipelineServices.producer, air: air.stations, traffic: traffic.counters, interval: .seconds(demoInterval),
                    exists: { await pipelineServices.tasks?.knows($0) ?? false }, logger: Logger(label: "shikong.demo")))
            services.append(air)
            services.append(traffic)
            oneShot.append(DemoItems(producer: pipelineServices.producer))
            oneShot.append(DemoLiveLayer(producer: pipelineServices.producer, logger: Logger(label: "shikong.demo")))
            services.append(
                VehicleFleet(
                    connection: MQTTConnection(
                        host: configuration.mqttHost, port: configuration.mqttPort, clientID: "\(pipeline.instance)-demo-fleet",
                        username: configuration.mqttUsername, password: configuration.mqttPassword),
                    vehicles: vehicles, interval: .seconds(demoInterval), logger: Logger(label: "shikong.demo")))
        }
        let group = ServiceGroup(
            configuration: .platform(
                services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) }
                    + oneShot.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0, successTerminationBehavior: .ignore) },
                logger: logger))
        defer {
            pipelineServices.producer.close()
            local.stop()
        }
        try await group.run()
        logger.notice("Shikong stopped")
    }
}

import API
import ArgumentParser
import Database
import Events
import Foundation
import Ingest
import Logging
import Platform
import GeoVocabulary
import Processors
import Projections
import ReadModel

/// Logging options shared by every command.
struct LoggingOptions: ParsableArguments {
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = ProcessInfo.processInfo.environment["SHIKONG_LOG_LEVEL"] ?? "info"

    func bootstrap(_ label: String) -> Logger {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        return Logger(label: label)
    }
}

/// Where the stages find external services (`shikong ingest|process|project|serve`).
struct ExternalServiceOptions: ParsableArguments {
    @Option(help: "Kafka bootstrap servers. Env SHIKONG_KAFKA.")
    var kafka: String = env("SHIKONG_KAFKA", "127.0.0.1:19092")

    @Option(help: "MQTT broker host:port. Env SHIKONG_MQTT.")
    var mqtt: String = env("SHIKONG_MQTT", "127.0.0.1:11883")

    @OptionGroup var database: DatabaseOptions

    @Option(
        name: .customLong("read-database"),
        help: """
            PostgreSQL URL the API's reads connect with: a role that may only SELECT (migration 24 creates shikong_reader; give it \
            a password), e.g. postgres://shikong_reader:…@host:port/database. Pool size and TLS as --database. Default: reads use \
            --database. Env SHIKONG_READ_DATABASE_URL.
            """)
    var readDatabase: String?

    @Option(help: "HTTP API listen address. Env SHIKONG_HTTP_HOST.")
    var httpHost: String = env("SHIKONG_HTTP_HOST", "127.0.0.1")

    @Option(help: "HTTP API port. Env SHIKONG_HTTP_PORT.")
    var httpPort: Int = Int(env("SHIKONG_HTTP_PORT", "18080")) ?? 18080

    @Option(help: "Local state directory (the gazetteer snapshot the API serves). Env SHIKONG_DATA_DIR.")
    var dataDir: String = env("SHIKONG_DATA_DIR", ".shikong")

    @Option(help: "MQTT user name of the platform's own account (bridge, alert delivery). Env SHIKONG_MQTT_USERNAME.")
    var mqttUsername: String?

    @Option(help: "MQTT password. Env SHIKONG_MQTT_PASSWORD.")
    var mqttPassword: String?

    @Option(help: "A CA file to verify the MQTT broker's certificate: connect with TLS. Env SHIKONG_MQTT_CA_FILE.")
    var mqttCaFile: String?

    @Option(
        name: .customLong("kafka-property"),
        help: """
            A librdkafka property for every Kafka client, key=value, repeatable: TLS (security.protocol=SSL, ssl.ca.location=…) \
            and SASL (security.protocol=SASL_SSL, sasl.mechanisms=SCRAM-SHA-512, sasl.username=…, sasl.password=…). \
            Env SHIKONG_KAFKA_PROPERTIES (';'-separated).
            """)
    var kafkaProperties: [String] = env("SHIKONG_KAFKA_PROPERTIES", "").split(separator: ";").map(String.init)

    @Option(help: "HTTPS: the API's certificate chain (PEM). Env SHIKONG_HTTP_TLS_CERT.")
    var httpTlsCert: String?

    @Option(help: "HTTPS: the certificate's private key (PEM). Env SHIKONG_HTTP_TLS_KEY.")
    var httpTlsKey: String?

    @Flag(
        help:
            "Acknowledge MQTT messages only once the event archive holds them (ingest; for a broker that does not keep its log, like the local one)."
    )
    var ackAfterArchive = false

    @OptionGroup var pipeline: PipelineOptions

    func platform() throws -> PlatformConfigurationParts {
        let (mqttHost, mqttPort) = try hostPort(mqtt, name: "--mqtt")
        return PlatformConfigurationParts(
            kafka: kafka, mqttHost: mqttHost, mqttPort: mqttPort, database: try database.configuration(), httpHost: httpHost, httpPort: httpPort)
    }

    /// The platform configuration these options describe.
    func configuration() throws -> PlatformConfiguration {
        let parts = try platform()
        var configuration = PlatformConfiguration(
            kafkaBootstrap: parts.kafka, mqttHost: parts.mqttHost, mqttPort: parts.mqttPort, database: parts.database, httpHost: parts.httpHost,
            httpPort: parts.httpPort, feeds: try pipeline.parsedFeeds(), serviceArea: try pipeline.parsedServiceArea(), instance: pipeline.instance)
        configuration.acknowledgeAfterArchive = ackAfterArchive
        let environment = ProcessInfo.processInfo.environment
        configuration.mqttUsername = mqttUsername ?? environment["SHIKONG_MQTT_USERNAME"]
        configuration.mqttPassword = mqttPassword ?? environment["SHIKONG_MQTT_PASSWORD"]
        configuration.mqttCAFile = mqttCaFile ?? environment["SHIKONG_MQTT_CA_FILE"]
        if let readDatabase = readDatabase ?? environment["SHIKONG_READ_DATABASE_URL"] {
            guard let reader = DatabaseConfiguration(url: readDatabase) else {
                throw ValidationError("--read-database must look like postgres://user@host:port/database, not \(readDatabase)")
            }
            configuration.readDatabase = parts.database.reading(as: reader)
        }
        for property in kafkaProperties {
            let parts = property.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty else { throw ValidationError("--kafka-property must be key=value, not \(property)") }
            configuration.kafkaProperties[parts[0]] = parts[1]
        }
        switch (httpTlsCert ?? environment["SHIKONG_HTTP_TLS_CERT"], httpTlsKey ?? environment["SHIKONG_HTTP_TLS_KEY"]) {
        case (let certificate?, let key?): configuration.httpTLS = try APIServer.tls(certificateFile: certificate, keyFile: key)
        case (nil, nil): break
        default: throw ValidationError("--http-tls-cert and --http-tls-key go together")
        }
        configuration.dataDirectory = URL(fileURLWithPath: dataDir)
        configuration.topics = try pipeline.catalogue()
        configuration.queryLimits = try pipeline.queryLimits()
        configuration.adminRegions = pipeline.adminRegions
        configuration.tileLimits = try pipeline.tileLimits()
        configuration.dashboard = pipeline.dashboard
        configuration.anonymousReads = pipeline.anonymousReads
        configuration.maximumPayloadBytes = pipeline.maxPayloadBytes
        configuration.maximumReadingValues = pipeline.maxReadingValues
        configuration.readingPartitions = try pipeline.readingPartitions()
        try pipeline.applyLive(to: &configuration)
        return configuration
    }
}

/// Where the database is and how to reach it: every command that talks to PostgreSQL takes these.
struct DatabaseOptions: ParsableArguments {
    @Option(
        name: .customLong("database"),
        help: "PostgreSQL URL, postgres://user[:password]@host:port/database[?sslmode=…&sslrootcert=…]. Env SHIKONG_DATABASE_URL.")
    var url: String = env("SHIKONG_DATABASE_URL", "postgres://shikong@127.0.0.1:15432/shikong")

    @Option(name: .customLong("database-pool-size"), help: "Most connections this process opens to PostgreSQL. Env SHIKONG_DATABASE_POOL_SIZE.")
    var poolSize: Int = Int(env("SHIKONG_DATABASE_POOL_SIZE", "8")) ?? 8

    @Option(
        name: .customLong("database-tls"),
        help: """
            TLS to PostgreSQL, as libpq's sslmode: disable, prefer, require (encrypt; check the chain only with a CA file), \
            verify-ca (check the chain), verify-full (check the chain and the host name). Env SHIKONG_DATABASE_TLS. Default: the \
            URL's sslmode, else disable.
            """)
    var tls: String?

    @Option(
        name: .customLong("database-ca-file"),
        help: "PEM file of the certificate authorities that sign the server's certificate (default: the system's). Env SHIKONG_DATABASE_CA_FILE.")
    var caFile: String?

    func configuration() throws -> DatabaseConfiguration {
        guard var configuration = DatabaseConfiguration(url: url) else {
            throw ValidationError(
                "--database must look like postgres://user@host:port/database (sslmode: \(TLSMode.allCases.map(\.rawValue).joined(separator: ", "))), not \(url)"
            )
        }
        guard poolSize >= 1 else { throw ValidationError("--database-pool-size must be at least 1, not \(poolSize)") }
        configuration.poolSize = poolSize
        if let tls = tls ?? ProcessInfo.processInfo.environment["SHIKONG_DATABASE_TLS"] {
            guard let mode = TLSMode(rawValue: tls) else {
                throw ValidationError("--database-tls must be one of \(TLSMode.allCases.map(\.rawValue).joined(separator: ", ")), not \(tls)")
            }
            configuration.tls = mode
        }
        if let caFile = caFile ?? ProcessInfo.processInfo.environment["SHIKONG_DATABASE_CA_FILE"] {
            guard FileManager.default.isReadableFile(atPath: caFile) else { throw ValidationError("--database-ca-file \(caFile) cannot be read") }
            configuration.caFile = caFile
        }
        return configuration
    }
}

struct PlatformConfigurationParts {
    var kafka: String
    var mqttHost: String
    var mqttPort: Int
    var database: DatabaseConfiguration
    var httpHost: String
    var httpPort: Int
}

/// Stage behaviour shared by `up` and the stage commands.
/// How many copies of each partition the cluster keeps, unless a file of `topics/` says otherwise.
struct ReplicationOptions: ParsableArguments {
    @Option(
        help:
            "Copies of each partition for topics whose file in topics/ names none (the local stack has one broker: 1; a city cluster: 3). Env SHIKONG_REPLICATION_FACTOR."
    )
    var replicationFactor: Int = Int(env("SHIKONG_REPLICATION_FACTOR", "1")) ?? 1

    @Option(
        help:
            "min.insync.replicas for topics whose file names none (default: one less than the replication factor, at most 2). Env SHIKONG_MIN_INSYNC_REPLICAS."
    )
    var minInsyncReplicas: Int?

    func policy() throws -> ReplicationPolicy {
        let minInsyncReplicas = minInsyncReplicas ?? ProcessInfo.processInfo.environment["SHIKONG_MIN_INSYNC_REPLICAS"].flatMap { Int($0) }
        guard replicationFactor >= 1 else { throw ValidationError("--replication-factor must be at least 1, not \(replicationFactor)") }
        if let minInsyncReplicas, !(1...replicationFactor).contains(minInsyncReplicas) {
            throw ValidationError("--min-insync-replicas must be from 1 to the replication factor (\(replicationFactor)), not \(minInsyncReplicas)")
        }
        return ReplicationPolicy(replicationFactor: replicationFactor, minInsyncReplicas: minInsyncReplicas)
    }
}

struct PipelineOptions: ParsableArguments {
    @Option(
        name: .customLong("feed"),
        help: """
            MQTT feed as filter[@CRS], repeatable; e.g. 'city/+/air@EPSG:4326'. The + levels name the sensor. Each becomes an mqtt-feed task \
            (not bound to the sensor registry) added at start unless it exists; manage feeds at run time with `shikong tasks`. Env \
            SHIKONG_FEEDS (';'-separated).
            """)
    var feeds: [String] = env("SHIKONG_FEEDS", "city/+/air@EPSG:4326").split(separator: ";").map(String.init)

    @Option(help: "Service area in EPSG:4490 as west,south,east,north; readings outside go to the DLQ. Env SHIKONG_SERVICE_AREA.")
    var serviceArea: String = env("SHIKONG_SERVICE_AREA", BoundingBox.china.description)

    @Option(help: "Instance name: prefixes consumer groups and the MQTT client id.")
    var instance: String = env("SHIKONG_INSTANCE", "shikong")

    @Option(help: "Topic catalogue directory (default: the nearest topics/). Env SHIKONG_TOPICS_DIR.")
    var topicsDir: String?

    @OptionGroup var replication: ReplicationOptions

    @Option(help: "Query API: the largest items page (limit); larger limits are refused with a 400.")
    var maxPageSize = QueryLimits().maximumLimit

    @Option(help: "Query API: the most features one export (f=gpkg|shp|csv|geojson, shikong export) writes.")
    var maxExportFeatures = QueryLimits().maximumExportFeatures

    @Option(help: "Query API: the longest CQL2 filter, in bytes (longer: 400).")
    var maxFilterBytes = QueryLimits().maximumFilterLength

    @Option(
        help:
            "HTTP API: the largest request body, in bytes (items, catalogue and gazetteer edits, geometries, redrives; larger: 413). File uploads have --max-upload-bytes."
    )
    var maxRequestBytes = QueryLimits().maximumRequestBody

    @Option(help: "HTTP API: the largest request header section, in bytes (larger: 431).")
    var maxHeaderBytes = QueryLimits().maximumHeaderBytes

    @Option(
        help: "MQTT bridge: the largest payload appended as a reading, in bytes; a larger one is a dead letter whose bytes are kept in the database.")
    var maxPayloadBytes = 256 * 1_024

    @Option(help: "Spatialiser: the most values one reading may carry; more make it a dead letter.")
    var maxReadingValues = ReadingSpatialiser.defaultMaximumValues

    @Option(help: "Query API: the most rows a statistics request returns (more: truncated).")
    var maxStatisticsRows = QueryLimits().maximumStatisticsRows

    @Option(help: "The entity collection of admin region polygons that stats?group_by=admin uses by default.")
    var adminRegions = "wuhan_districts"

    @Option(
        help:
            "Vector tiles: the most features one tile holds; a tile over it holds a uniform sample, the same features at every zoom (Shikong-Tile-Thinned)."
    )
    var maxTileFeatures = TileLimits().maximumFeatures

    @Option(help: "Vector tiles: megabytes of rendered tiles kept in memory (dropped when their features change).")
    var tileCacheMb = TileLimits().cacheBytes >> 20

    @Option(
        help:
            "The folder with maplibre-gl.js and maplibre-gl.css for the dashboard (default: the PyPI package maplibre in .venv/). Env SHIKONG_MAPLIBRE_DIR."
    )
    var maplibreDir: String?

    @Flag(
        name: .customLong("anonymous-reads"), inversion: .prefixedNo,
        help: "HTTP API: whether callers without a token read public collections (writes and non-public data always need a token).")
    var anonymousReads = env("SHIKONG_ANONYMOUS_READS", "true") != "false"

    /// The tile limits these options give.
    func tileLimits() throws -> TileLimits {
        guard maxTileFeatures >= 1 else { throw ValidationError("--max-tile-features must be at least 1, not \(maxTileFeatures)") }
        guard tileCacheMb >= 0 else { throw ValidationError("--tile-cache-mb must not be negative") }
        var limits = TileLimits()
        limits.maximumFeatures = maxTileFeatures
        limits.cacheBytes = tileCacheMb << 20
        return limits
    }

    /// Where the dashboard's map library comes from.
    var dashboard: DashboardConfiguration { DashboardConfiguration(mapLibreDirectory: maplibreDir) }

    @Option(help: "Live subscriptions: bytes of messages one subscriber may have waiting before it gets a gap message.")
    var liveBufferBytes = 1 << 20

    @Option(help: "Live subscriptions: seconds between heartbeats of an idle subscription.")
    var liveHeartbeat = 15

    @Option(help: "Crawl and API-poll tasks: the URL in the crawler's user agent where a site's operator learns who crawls it.")
    var crawlerContact = "https://shikong.invalid/crawler"

    @Option(help: "Crawl and API-poll tasks: requests in flight at most across every task of the process (one at a time per host).")
    var crawlerConcurrency = 8

    @Option(
        help: """
            Projection stage: how long readings stay in sensor_readings, by observation time: 400d, 12w, 36h, or off (keep \
            everything). Partitions wholly older are dropped every hour; the event archive keeps the readings, so a rebuild \
            (shikong replay --projection sensors) with a longer retention brings them back. Env SHIKONG_READINGS_RETENTION.
            """)
    var readingsRetention: String = env("SHIKONG_READINGS_RETENTION", "off")

    @Option(
        help: """
            Projection stage: the span of one partition of sensor_readings, in UTC: day, week or month. Changing it affects \
            partitions made from then on. Env SHIKONG_READINGS_PARTITION_INTERVAL.
            """)
    var readingsPartitionInterval: String = env("SHIKONG_READINGS_PARTITION_INTERVAL", "month")

    /// How these options partition `sensor_readings` and how long they keep readings.
    func readingPartitions() throws -> ReadingPartitionPolicy {
        guard let unit = ReadingPartitionPolicy.Unit(rawValue: readingsPartitionInterval) else {
            throw ValidationError("--readings-partition-interval must be day, week or month, not \(readingsPartitionInterval)")
        }
        guard let retention = ReadingPartitionPolicy.parseRetention(readingsRetention) else {
            throw ValidationError("--readings-retention must be a count with d, w, h or m (e.g. 400d), or off, not \(readingsRetention)")
        }
        return ReadingPartitionPolicy(unit: unit, retention: retention)
    }

    /// Puts the live subscription and crawler options into `configuration`.
    func applyLive(to configuration: inout PlatformConfiguration) throws {
        guard liveBufferBytes >= 4_096 else { throw ValidationError("--live-buffer-bytes must be at least 4096, not \(liveBufferBytes)") }
        guard liveHeartbeat >= 1 else { throw ValidationError("--live-heartbeat must be at least 1 second, not \(liveHeartbeat)") }
        guard crawlerConcurrency >= 1 else { throw ValidationError("--crawler-concurrency must be at least 1, not \(crawlerConcurrency)") }
        configuration.liveBufferBytes = liveBufferBytes
        configuration.liveHeartbeat = .seconds(liveHeartbeat)
        configuration.crawlerContact = crawlerContact
        configuration.crawlerConcurrency = crawlerConcurrency
    }

    /// The query limits these options give.
    func queryLimits() throws -> QueryLimits {
        for (name, value) in [
            ("--max-page-size", maxPageSize), ("--max-export-features", maxExportFeatures), ("--max-filter-bytes", maxFilterBytes),
            ("--max-request-bytes", maxRequestBytes), ("--max-statistics-rows", maxStatisticsRows), ("--max-header-bytes", maxHeaderBytes),
            ("--max-payload-bytes", maxPayloadBytes), ("--max-reading-values", maxReadingValues),
        ] where value < 1 {
            throw ValidationError("\(name) must be at least 1, not \(value)")
        }
        var limits = QueryLimits()
        limits.maximumLimit = maxPageSize
        limits.defaultLimit = min(limits.defaultLimit, maxPageSize)
        limits.maximumExportFeatures = maxExportFeatures
        limits.maximumFilterLength = maxFilterBytes
        limits.maximumRequestBody = maxRequestBytes
        limits.maximumHeaderBytes = maxHeaderBytes
        limits.maximumStatisticsRows = maxStatisticsRows
        return limits
    }

    func catalogue() throws -> TopicCatalogue {
        var catalogue = try TopicCatalogue.load(from: try TopicCatalogue.locate(explicit: topicsDir))
        catalogue.replication = try replication.policy()
        return catalogue
    }

    func parsedFeeds() throws -> [MQTTFeed] {
        try feeds.map { text in
            guard let feed = MQTTFeed(parsing: text) else { throw ValidationError("--feed \(text) is not filter[@CRS]") }
            return feed
        }
    }

    func parsedServiceArea() throws -> BoundingBox {
        do throws(ParameterError) {
            let bounds = try BoundingBox(parsing: serviceArea, parameter: "--service-area")
            guard bounds.west < bounds.east, bounds.south < bounds.north else { throw ParameterError("--service-area must not be empty") }
            return bounds
        } catch {
            throw ValidationError(error.message)
        }
    }
}

func env(_ name: String, _ fallback: String) -> String {
    ProcessInfo.processInfo.environment[name] ?? fallback
}

func hostPort(_ text: String, name: String) throws -> (String, Int) {
    guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port) else {
        throw ValidationError("\(name) must be host:port, not \(text)")
    }
    return (String(text[..<colon]), port)
}

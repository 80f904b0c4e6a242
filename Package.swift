// swift-tools-version: 6.0
import PackageDescription

let settings: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

let hummingbird = Target.Dependency.product(name: "Hummingbird", package: "hummingbird")
let hummingbirdTLS = Target.Dependency.product(name: "HummingbirdTLS", package: "hummingbird")
let hummingbirdTesting = Target.Dependency.product(name: "HummingbirdTesting", package: "hummingbird")
let postgres = Target.Dependency.product(name: "PostgresNIO", package: "postgres-nio")
let logging = Target.Dependency.product(name: "Logging", package: "swift-log")
let lifecycle = Target.Dependency.product(name: "ServiceLifecycle", package: "swift-service-lifecycle")
let metrics = Target.Dependency.product(name: "CoreMetrics", package: "swift-metrics")
let prometheus = Target.Dependency.product(name: "Prometheus", package: "swift-prometheus")
let argumentParser = Target.Dependency.product(name: "ArgumentParser", package: "swift-argument-parser")
let nioSSL = Target.Dependency.product(name: "NIOSSL", package: "swift-nio-ssl")
let webSocket = Target.Dependency.product(name: "HummingbirdWebSocket", package: "hummingbird-websocket")
let httpClient = Target.Dependency.product(name: "AsyncHTTPClient", package: "async-http-client")
let crypto = Target.Dependency.product(name: "Crypto", package: "swift-crypto")
let bcrypt = Target.Dependency.product(name: "HummingbirdBcrypt", package: "hummingbird-auth")
let nioPosix = Target.Dependency.product(name: "NIOPosix", package: "swift-nio")
let nioCore = Target.Dependency.product(name: "NIOCore", package: "swift-nio")

let package = Package(
    name: "shikong",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "shikong", targets: ["shikong"]),
        .executable(name: "geoformats-bench", targets: ["GeoFormatsBench"]),
        .executable(name: "gazetteer-bench", targets: ["GazetteerBenchmark"]),
        .executable(name: "live-bench", targets: ["LiveBenchmark"]),
        .executable(name: "json-bench", targets: ["JSONBenchmark"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.9.0"..<"5.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
    ],
    targets: [
        // C libraries, found with pkg-config.
        .systemLibrary(name: "CRdKafka", pkgConfig: "rdkafka"),
        .systemLibrary(name: "CMosquitto", pkgConfig: "libmosquitto", providers: [.apt(["libmosquitto-dev"])]),
        .systemLibrary(name: "CProj", pkgConfig: "proj", providers: [.apt(["libproj-dev"])]),
        .systemLibrary(name: "CGDAL", pkgConfig: "gdal", providers: [.apt(["libgdal-dev"])]),
        .systemLibrary(name: "CGEOS", pkgConfig: "geos", providers: [.apt(["libgeos-dev"])]),
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),

        // Shared modules.
        // Bounding boxes, positions, CRS identifiers and the parsers of request parameters every route shares.
        .target(name: "GeoVocabulary", swiftSettings: settings),
        .target(name: "Kafka", dependencies: ["CRdKafka", logging, lifecycle, metrics], swiftSettings: settings),
        .target(name: "MQTT", dependencies: ["CMosquitto", logging], swiftSettings: settings),
        .target(name: "Geodesy", dependencies: ["CProj"], swiftSettings: settings),
        // PostgreSQL for projections and the read model alike: configuration (pool, TLS), migrations,
        // transactions, stored positions.
        .target(name: "Database", dependencies: ["Kafka", postgres, nioSSL, logging], swiftSettings: settings),
        .target(name: "JSON", swiftSettings: settings),
        .target(name: "Events", dependencies: ["Kafka", "JSON"], swiftSettings: settings),
        // CQL2 filters: parsed, translated into PostGIS SQL, or evaluated in memory (GEOS for the spatial
        // predicates, PROJ for filter-crs literals and geodesic distances).
        .target(name: "CQL2", dependencies: ["JSON", "Geodesy", "CGEOS", postgres], swiftSettings: settings),
        .target(name: "GeoFormats", dependencies: ["CGDAL", "Geodesy"], swiftSettings: settings),
        .target(name: "Gazetteer", dependencies: ["Geodesy"], swiftSettings: settings),
        // Which of many polygons contain a point: a packed R-tree of prepared polygons (fences, regions).
        .target(name: "SpatialIndex", swiftSettings: settings),
        // Who is asking and what they may see and do: users, groups, grants, tokens (bcrypt passwords,
        // SHA-256 token digests), and the caller every read is scoped to.
        .target(name: "Access", dependencies: ["Database", postgres, crypto, bcrypt, logging], swiftSettings: settings),
        // Pages parsed by libxml2's HTML parser; fields taken out with XPath or CSS selectors.
        .target(name: "HTMLExtraction", dependencies: ["CLibXML2"], swiftSettings: settings),
        // The polite crawler: robots.txt, scope, per-host queues, conditional GETs, pages to raw items.
        .target(
            name: "Crawler", dependencies: ["HTMLExtraction", "Events", "JSON", httpClient, logging], swiftSettings: settings),
        // Third-party HTTP APIs (JSON, GeoJSON, CSV) mapped to readings, items or entities (R-AGG-1).
        .target(name: "APIAggregation", dependencies: ["Crawler", "Events", "Kafka", "JSON", "Gazetteer"], swiftSettings: settings),
        // The read side: every read SQL statement, planned from one source type per kind of collection.
        .target(
            name: "ReadModel", dependencies: ["Access", "Events", "CQL2", "GeoFormats", "GeoVocabulary", "JSON", "Database", "Kafka", postgres, logging],
            swiftSettings: settings),
        // Live subscriptions: one Kafka tail per process fanned out to subscribers indexed by area,
        // catch-up from the archive, bounded buffers.
        .target(
            name: "Live", dependencies: ["ReadModel", "CQL2", "Events", "Kafka", "JSON", logging, lifecycle], swiftSettings: settings),

        // Stages.
        .target(
            name: "Ingest", dependencies: ["Events", "Kafka", "MQTT", "JSON", "Crawler", "APIAggregation", "GeoFormats", "Geodesy", "GeoVocabulary", logging, lifecycle],
            swiftSettings: settings),
        .target(
            name: "Processors",
            dependencies: ["Events", "Kafka", "Geodesy", "GeoVocabulary", "Gazetteer", "JSON", "SpatialIndex", logging, lifecycle],
            swiftSettings: settings),
        // Alerts delivered to webhooks (signed, retried, dead-lettered) and MQTT topics.
        .target(
            name: "AlertDelivery", dependencies: ["Events", "Kafka", "MQTT", "Processors", httpClient, crypto, logging, lifecycle],
            swiftSettings: settings),
        .target(
            name: "Projections", dependencies: ["Events", "Kafka", "JSON", "Gazetteer", "Database", postgres, crypto, logging, lifecycle, metrics],
            swiftSettings: settings),
        .target(
            name: "API",
            dependencies: [
                "Access", "Events", "Kafka", "Projections", "Ingest", "JSON", "Gazetteer", "Geodesy", "GeoVocabulary", "ReadModel", "Database", "CQL2",
                "GeoFormats", "Live", hummingbird, hummingbirdTLS, nioSSL, webSocket, logging, lifecycle, prometheus,
            ],
            // The dashboard's own HTML, CSS and JavaScript (plain ES modules, no build step).
            resources: [.copy("Dashboard/web")],
            swiftSettings: settings),

        // Running the platform: the local stack and the composition root; the demo feed, demo data
        // and the pipeline benchmark apart from it.
        .target(name: "LocalStack", dependencies: ["Events", "Kafka", logging, lifecycle], swiftSettings: settings),
        .target(name: "Backup", dependencies: ["Database", "LocalStack", postgres, logging, lifecycle], swiftSettings: settings),
        .target(
            name: "Platform",
            dependencies: [
                "Access", "Events", "Kafka", "MQTT", "Geodesy", "GeoVocabulary", "Gazetteer", "Ingest", "Crawler", "Processors", "Projections", "API", "ReadModel",
                "Database", "LocalStack", "AlertDelivery", "CQL2", "Live", postgres, nioSSL, nioCore, nioPosix, logging, lifecycle, metrics, prometheus,
            ],
            swiftSettings: settings),
        .target(
            name: "Demo", dependencies: ["Platform", "Events", "Kafka", "MQTT", "Ingest", "Database", "JSON", postgres, logging, lifecycle],
            swiftSettings: settings),
        .executableTarget(
            name: "shikong",
            dependencies: [
                "Access", "Platform", "Demo", "LocalStack", "API", "Events", "Kafka", "Projections", "Processors", "Gazetteer", "Geodesy", "GeoVocabulary",
                "ReadModel", "Database", "GeoFormats", "Backup", argumentParser,
            ],
            swiftSettings: settings,
            // jemalloc instead of glibc's malloc for the whole process (see README, Pipeline).
            linkerSettings: [.linkedLibrary("jemalloc")]),
        .executableTarget(name: "GeoFormatsBench", dependencies: ["GeoFormats", argumentParser], swiftSettings: settings),
        .executableTarget(name: "GazetteerBenchmark", dependencies: ["Gazetteer", "Geodesy"], swiftSettings: settings),
        .executableTarget(name: "JSONBenchmark", dependencies: ["JSON"], swiftSettings: settings),
        .executableTarget(
            name: "LiveBenchmark", dependencies: ["Processors", "SpatialIndex", "Events", "Kafka", "JSON", argumentParser], swiftSettings: settings),

        // Tests.
        .target(
            name: "ShikongTesting",
            dependencies: ["Access", "Platform", "Projections", "Database", "LocalStack", "MQTT", "Kafka", "Gazetteer", "Geodesy", postgres],
            path: "Tests/ShikongTesting",
            swiftSettings: settings),
        .testTarget(name: "EventsTests", dependencies: ["Events", "Kafka", "JSON"], swiftSettings: settings),
        .testTarget(name: "GeodesyTests", dependencies: ["Geodesy"], swiftSettings: settings),
        .testTarget(name: "JSONTests", dependencies: ["JSON"], swiftSettings: settings),
        .testTarget(name: "CQL2Tests", dependencies: ["CQL2"], swiftSettings: settings),
        .testTarget(
            name: "ReadModelTests", dependencies: ["ReadModel", "CQL2", "Events", "GeoVocabulary", postgres], swiftSettings: settings),
        .testTarget(name: "HTMLExtractionTests", dependencies: ["HTMLExtraction"], swiftSettings: settings),
        .testTarget(name: "CrawlerTests", dependencies: ["Crawler", "Events", "HTMLExtraction"], swiftSettings: settings),
        .testTarget(name: "APIAggregationTests", dependencies: ["APIAggregation", "Crawler", "JSON", "Kafka"], swiftSettings: settings),
        .testTarget(name: "GeoVocabularyTests", dependencies: ["GeoVocabulary"], swiftSettings: settings),
        .testTarget(name: "DatabaseTests", dependencies: ["Database", nioSSL], swiftSettings: settings),
        .testTarget(name: "GeoFormatsTests", dependencies: ["GeoFormats", "Geodesy"], swiftSettings: settings),
        .testTarget(name: "GazetteerTests", dependencies: ["Gazetteer", "Geodesy"], resources: [.copy("Fixtures")], swiftSettings: settings),
        .testTarget(
            name: "GazetteerAPITests", dependencies: ["API", "Gazetteer", "Geodesy", "GeoFormats", hummingbird, hummingbirdTesting],
            swiftSettings: settings),
        .testTarget(name: "IngestTests", dependencies: ["Ingest", "Events", "JSON"], swiftSettings: settings),
        .testTarget(name: "ProcessorsTests", dependencies: ["Processors", "Events", "Kafka", "Geodesy", "JSON"], swiftSettings: settings),
        // Seeded mutation fuzzing of every parser of untrusted bytes, a few seconds each.
        .testTarget(
            name: "FuzzTests", dependencies: ["JSON", "CQL2", "GeoFormats", "Processors", "Events", "Kafka"], exclude: ["Fixtures"],
            swiftSettings: settings),
        .testTarget(
            name: "LiveTests", dependencies: ["Live", "Processors", "SpatialIndex", "AlertDelivery", "Events", "Kafka", "JSON"], swiftSettings: settings),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "ShikongTesting", "Access", "Platform", "Projections", "Processors", "Gazetteer", "MQTT", "Kafka", "Events", "Geodesy", "CQL2", "Database",
                "ReadModel", "Demo", "Ingest", "GeoVocabulary", "AlertDelivery", "JSON", "Backup", "LocalStack", postgres, lifecycle, crypto, hummingbird,
            ],
            swiftSettings: settings),
    ],
    swiftLanguageModes: [.v6]
)

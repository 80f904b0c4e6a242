// swift-tools-version: 6.0
import PackageDescription

let settings: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

let hummingbird = Target.Dependency.product(name: "Hummingbird", package: "hummingbird")
let hummingbirdTesting = Target.Dependency.product(name: "HummingbirdTesting", package: "hummingbird")
let postgres = Target.Dependency.product(name: "PostgresNIO", package: "postgres-nio")
let logging = Target.Dependency.product(name: "Logging", package: "swift-log")
let lifecycle = Target.Dependency.product(name: "ServiceLifecycle", package: "swift-service-lifecycle")
let metrics = Target.Dependency.product(name: "CoreMetrics", package: "swift-metrics")
let prometheus = Target.Dependency.product(name: "Prometheus", package: "swift-prometheus")
let argumentParser = Target.Dependency.product(name: "ArgumentParser", package: "swift-argument-parser")
let nioSSL = Target.Dependency.product(name: "NIOSSL", package: "swift-nio-ssl")
let asyncHTTPClient = Target.Dependency.product(name: "AsyncHTTPClient", package: "async-http-client")

let package = Package(
    name: "shikong",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "shikong", targets: ["shikong"]),
        .executable(name: "geoformats-bench", targets: ["GeoFormatsBench"]),
        .executable(name: "gazetteer-bench", targets: ["GazetteerBenchmark"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
    ],
    targets: [
        // C libraries, found with pkg-config.
        .systemLibrary(name: "CRdKafka", pkgConfig: "rdkafka"),
        .systemLibrary(name: "CMosquitto", pkgConfig: "libmosquitto", providers: [.apt(["libmosquitto-dev"])]),
        .systemLibrary(name: "CProj", pkgConfig: "proj", providers: [.apt(["libproj-dev"])]),
        .systemLibrary(name: "CGDAL", pkgConfig: "gdal", providers: [.apt(["libgdal-dev"])]),
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
        .target(name: "CQL2", dependencies: ["JSON", postgres], swiftSettings: settings),
        .target(name: "GeoFormats", dependencies: ["CGDAL", "Geodesy"], swiftSettings: settings),
        .target(name: "Gazetteer", dependencies: ["Geodesy"], swiftSettings: settings),
        // Pages parsed by libxml2's HTML parser; fields taken out with XPath or CSS selectors.
        .target(name: "HTMLExtraction", dependencies: ["CLibXML2"], swiftSettings: settings),
        // The polite crawler: robots.txt, scope, per-host queues, conditional GETs, pages to raw items.
        .target(
            name: "Crawler", dependencies: ["HTMLExtraction", "Events", "JSON", asyncHTTPClient, logging], swiftSettings: settings),
        // Third-party HTTP APIs (JSON, GeoJSON, CSV) mapped to readings, items or entities (R-AGG-1).
        .target(name: "APIAggregation", dependencies: ["Crawler", "Events", "Kafka", "JSON", "Gazetteer"], swiftSettings: settings),
        // The read side: every read SQL statement, planned from one source type per kind of collection.
        .target(
            name: "ReadModel", dependencies: ["Events", "CQL2", "GeoFormats", "GeoVocabulary", "JSON", "Database", postgres, logging],
            swiftSettings: settings),

        // Stages.
        .target(
            name: "Ingest", dependencies: ["Events", "Kafka", "MQTT", "JSON", "GeoFormats", "Geodesy", "GeoVocabulary", logging, lifecycle],
            swiftSettings: settings),
        .target(
            name: "Processors", dependencies: ["Events", "Kafka", "Geodesy", "GeoVocabulary", "Gazetteer", "JSON", logging, lifecycle],
            swiftSettings: settings),
        .target(
            name: "Projections", dependencies: ["Events", "Kafka", "JSON", "Gazetteer", "Database", postgres, logging, lifecycle, metrics],
            swiftSettings: settings),
        .target(
            name: "API",
            dependencies: [
                "Events", "Kafka", "Projections", "Ingest", "JSON", "Gazetteer", "Geodesy", "GeoVocabulary", "ReadModel", "Database", "CQL2",
                "GeoFormats", hummingbird, logging, lifecycle, prometheus,
            ],
            swiftSettings: settings),

        // Running the platform: the local stack and the composition root; the demo feed, demo data
        // and the pipeline benchmark apart from it.
        .target(name: "LocalStack", dependencies: ["Events", "Kafka", logging, lifecycle], swiftSettings: settings),
        .target(
            name: "Platform",
            dependencies: [
                "Events", "Kafka", "MQTT", "Geodesy", "GeoVocabulary", "Gazetteer", "Ingest", "Processors", "Projections", "API", "ReadModel",
                "Database", "LocalStack", postgres, logging, lifecycle, metrics, prometheus,
            ],
            swiftSettings: settings),
        .target(
            name: "Demo", dependencies: ["Platform", "Events", "Kafka", "MQTT", "Ingest", "Database", postgres, logging, lifecycle],
            swiftSettings: settings),
        .executableTarget(
            name: "shikong",
            dependencies: [
                "Platform", "Demo", "LocalStack", "API", "Events", "Kafka", "Projections", "Processors", "Gazetteer", "Geodesy", "GeoVocabulary",
                "ReadModel", "Database", "GeoFormats", argumentParser,
            ],
            swiftSettings: settings),
        .executableTarget(name: "GeoFormatsBench", dependencies: ["GeoFormats", argumentParser], swiftSettings: settings),
        .executableTarget(name: "GazetteerBenchmark", dependencies: ["Gazetteer", "Geodesy"], swiftSettings: settings),

        // Tests.
        .target(
            name: "ShikongTesting",
            dependencies: ["Platform", "Projections", "Database", "LocalStack", "MQTT", "Kafka", "Gazetteer", "Geodesy", postgres],
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
        .testTarget(name: "ProcessorsTests", dependencies: ["Processors", "Events", "Kafka", "Geodesy", "JSON"], swiftSettings: settings),
        // Seeded mutation fuzzing of every parser of untrusted bytes, a few seconds each.
        .testTarget(name: "FuzzTests", dependencies: ["JSON", "CQL2", "GeoFormats", "Processors", "Events", "Kafka"], swiftSettings: settings),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "ShikongTesting", "Platform", "Projections", "Processors", "Gazetteer", "MQTT", "Kafka", "Events", "Geodesy", "CQL2", "Database",
                "ReadModel", "Demo", "Ingest", "GeoVocabulary", postgres, lifecycle,
            ],
            swiftSettings: settings),
    ],
    swiftLanguageModes: [.v6]
)

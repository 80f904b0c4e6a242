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
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // C libraries, found with pkg-config.
        .systemLibrary(name: "CRdKafka", pkgConfig: "rdkafka"),
        .systemLibrary(name: "CMosquitto", pkgConfig: "libmosquitto", providers: [.apt(["libmosquitto-dev"])]),
        .systemLibrary(name: "CProj", pkgConfig: "proj", providers: [.apt(["libproj-dev"])]),
        .systemLibrary(name: "CGDAL", pkgConfig: "gdal", providers: [.apt(["libgdal-dev"])]),

        // Shared modules.
        .target(name: "Kafka", dependencies: ["CRdKafka", logging, lifecycle, metrics], swiftSettings: settings),
        .target(name: "MQTT", dependencies: ["CMosquitto", logging], swiftSettings: settings),
        .target(name: "Geodesy", dependencies: ["CProj"], swiftSettings: settings),
        .target(name: "JSON", swiftSettings: settings),
        .target(name: "Events", dependencies: ["Kafka", "JSON"], swiftSettings: settings),
        .target(name: "CQL2", dependencies: ["JSON", postgres], swiftSettings: settings),
        .target(name: "GeoFormats", dependencies: ["CGDAL", "Geodesy"], swiftSettings: settings),
        .target(name: "Gazetteer", dependencies: ["Geodesy"], swiftSettings: settings),
        // The read side: collections, items as GeoJSON text, exports (the API and `shikong export`).
        .target(
            name: "FeatureStore", dependencies: ["Events", "CQL2", "GeoFormats", "JSON", "Projections", postgres, logging], swiftSettings: settings),

        // Stages.
        .target(
            name: "Ingest", dependencies: ["Events", "Kafka", "MQTT", "JSON", "GeoFormats", "Geodesy", logging, lifecycle], swiftSettings: settings),
        .target(name: "Processors", dependencies: ["Events", "Kafka", "Geodesy", "Gazetteer", "JSON", logging, lifecycle], swiftSettings: settings),
        .target(
            name: "Projections", dependencies: ["Events", "Kafka", "JSON", "Gazetteer", postgres, logging, lifecycle, metrics],
            swiftSettings: settings),
        .target(
            name: "API",
            dependencies: [
                "Events", "Kafka", "Projections", "Ingest", "JSON", "Gazetteer", "Geodesy", "FeatureStore", "CQL2", "GeoFormats", hummingbird,
                postgres,
                logging, prometheus,
            ],
            swiftSettings: settings),

        // Running the platform: the local stack, the demo feed and the benchmark.
        .target(name: "LocalStack", dependencies: ["Events", "Kafka", logging, lifecycle], swiftSettings: settings),
        .target(
            name: "Platform",
            dependencies: [
                "Events", "Kafka", "MQTT", "Geodesy", "Gazetteer", "Ingest", "Processors", "Projections", "API", "FeatureStore", "LocalStack",
                postgres, logging,
                lifecycle,
                metrics, prometheus,
            ],
            swiftSettings: settings),
        .executableTarget(
            name: "shikong",
            dependencies: [
                "Platform", "LocalStack", "API", "Events", "Kafka", "Projections", "Processors", "Gazetteer", "Geodesy", "FeatureStore", "GeoFormats",
                argumentParser,
            ],
            swiftSettings: settings),
        .executableTarget(name: "GeoFormatsBench", dependencies: ["GeoFormats", argumentParser], swiftSettings: settings),
        .executableTarget(name: "GazetteerBenchmark", dependencies: ["Gazetteer", "Geodesy"], swiftSettings: settings),

        // Tests.
        .target(
            name: "ShikongTesting", dependencies: ["Platform", "Projections", "LocalStack", "MQTT", "Kafka", "Gazetteer", "Geodesy", postgres],
            path: "Tests/ShikongTesting",
            swiftSettings: settings),
        .testTarget(name: "EventsTests", dependencies: ["Events", "Kafka", "JSON"], swiftSettings: settings),
        .testTarget(name: "GeodesyTests", dependencies: ["Geodesy"], swiftSettings: settings),
        .testTarget(name: "JSONTests", dependencies: ["JSON"], swiftSettings: settings),
        .testTarget(name: "CQL2Tests", dependencies: ["CQL2"], swiftSettings: settings),
        .testTarget(name: "FeatureStoreTests", dependencies: ["FeatureStore", "CQL2", "Events"], swiftSettings: settings),
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
                "ShikongTesting", "Platform", "Projections", "Processors", "Gazetteer", "MQTT", "Kafka", "Events", "Geodesy", "CQL2", postgres,
            ],
            swiftSettings: settings),
    ],
    swiftLanguageModes: [.v6]
)

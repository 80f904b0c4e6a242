import API
import CoreMetrics
import Events
import Foundation
import Kafka
import Logging
import PostgresNIO
import ServiceLifecycle

extension Pipeline {
    /// What each role cannot work without: `/health` answers 503 when one of them is unreachable.
    /// The others are still probed and reported.
    static func requiredDependencies(_ stages: Set<Stage>) -> Set<DependencyHealth.Dependency> {
        var required: Set<DependencyHealth.Dependency> = []
        for stage in stages {
            switch stage {
            // MQTT in, Kafka out, the bytes of refused messages (and the archive gate) in PostgreSQL.
            case .ingest: required.formUnion([.mqtt, .kafka, .postgresql])
            // Kafka in and out; the heartbeat's database is not needed to process.
            case .process: required.insert(.kafka)
            case .project: required.formUnion([.kafka, .postgresql])
            // Reads from PostgreSQL; writes, re-drives and live subscriptions go through Kafka.
            case .serve: required.formUnion([.kafka, .postgresql])
            }
        }
        return required
    }

    /// The services that make the node observable: the dependency probe, the heartbeat and, with
    /// `--metrics-port`, the node's own `/metrics` and `/health`. Stage nodes also export their
    /// dead-letter counter from the start, so alert rules see it before the first dead letter.
    static func observability(
        _ configuration: PlatformConfiguration, stages: Set<Stage>, node: NodeIdentity, dependencies: DependencyHealth,
        pipeline: (producer: KafkaProducer, database: PostgresClient, readiness: Readiness)
    ) -> [any Service] {
        if !stages.subtracting([.serve]).isEmpty { KafkaProducer.declareMetrics(topics: [Topics.deadLetters]) }
        Gauge(label: "shikong_node_info", dimensions: [("node", node.id), ("roles", node.roles.joined(separator: "+")), ("version", node.version)])
            .record(1)
        Gauge(label: "shikong_node_start_time_seconds").record(node.startedAt.timeIntervalSince1970)
        var services: [any Service] = [
            DependencyProbe(
                health: dependencies, kafkaBootstrap: configuration.kafkaBootstrap, database: pipeline.database,
                mqtt: (configuration.mqttHost, configuration.mqttPort),
                dataDirectory: configuration.dataDirectory ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
                logger: Logger(label: "shikong.dependencies")),
            NodeHeartbeat(
                identity: node, client: pipeline.database, interval: configuration.node.heartbeatInterval, logger: Logger(label: "shikong.heartbeat")),
        ]
        if let port = configuration.node.metricsPort {
            services.append(
                OperationsServer.application(
                    host: configuration.node.metricsHost, port: port,
                    parts: .init(
                        metrics: PlatformMetrics.registry, readiness: pipeline.readiness, dependencies: dependencies, node: node,
                        database: pipeline.database),
                    logger: Logger(label: "shikong.metrics")))
        }
        return services
    }
}

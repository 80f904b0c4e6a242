import Gazetteer
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

    public init(
        database: PostgresClient, producer: KafkaProducer? = nil, kafka: KafkaClientConfiguration? = nil,
        metrics: PrometheusCollectorRegistry? = nil, processors: [(group: String, topics: [String])] = [], gazetteer: GazetteerEngine? = nil
    ) {
        self.database = database
        self.producer = producer
        self.kafka = kafka
        self.metrics = metrics
        self.processors = processors
        self.gazetteer = gazetteer
    }
}

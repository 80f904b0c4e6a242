import CoreMetrics
import Synchronization

/// The Kafka client's metrics, reported through swift-metrics (the platform exports them in
/// Prometheus format on `/metrics`):
/// - `shikong_kafka_produced_total{topic}` and `shikong_kafka_produce_errors_total{topic}`,
/// - `shikong_kafka_consumed_total{group,topic}` and `shikong_kafka_consume_errors_total{group}`,
/// - `shikong_kafka_consumer_lag{group,topic,partition}`: high watermark minus the next offset to read.
enum KafkaMetrics {
    private static let counters = Mutex<[String: Counter]>([:])
    private static let gauges = Mutex<[String: Gauge]>([:])

    static func produced(topic: String, count: Int = 1) {
        counter("shikong_kafka_produced_total", [("topic", topic)]).increment(by: count)
    }

    static func produceFailed(topic: String, count: Int = 1) {
        counter("shikong_kafka_produce_errors_total", [("topic", topic)]).increment(by: count)
    }

    static func consumed(group: String, topic: String, count: Int) {
        counter("shikong_kafka_consumed_total", [("group", group), ("topic", topic)]).increment(by: count)
    }

    static func consumeFailed(group: String) {
        counter("shikong_kafka_consume_errors_total", [("group", group)]).increment()
    }

    static func lag(group: String, partition: TopicPartition, value: Int64) {
        gauge("shikong_kafka_consumer_lag", [("group", group), ("topic", partition.topic), ("partition", String(partition.partition))])
            .record(value)
    }

    private static func counter(_ label: String, _ dimensions: [(String, String)]) -> Counter {
        let key = label + dimensions.map { "|\($0.0)=\($0.1)" }.joined()
        return counters.withLock { cache in
            if let counter = cache[key] { return counter }
            let counter = Counter(label: label, dimensions: dimensions)
            cache[key] = counter
            return counter
        }
    }

    private static func gauge(_ label: String, _ dimensions: [(String, String)]) -> Gauge {
        let key = label + dimensions.map { "|\($0.0)=\($0.1)" }.joined()
        return gauges.withLock { cache in
            if let gauge = cache[key] { return gauge }
            let gauge = Gauge(label: label, dimensions: dimensions)
            cache[key] = gauge
            return gauge
        }
    }
}

extension KafkaProducer {
    /// Exports the produced and produce-error counters of these topics at zero before the first
    /// record, so a rule over them (dead letters growing) has a series from the start.
    public static func declareMetrics(topics: [String]) {
        for topic in topics {
            KafkaMetrics.produced(topic: topic, count: 0)
            KafkaMetrics.produceFailed(topic: topic, count: 0)
        }
    }
}

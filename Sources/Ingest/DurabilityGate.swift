import Kafka

/// Says when an appended record is durable enough to acknowledge to its source. With a Kafka
/// cluster that replicates its log, acknowledgement by the broker is enough and no gate is used;
/// the local broker keeps its log in memory, so there the gate waits until the event archive in
/// PostgreSQL holds the record.
public protocol DurabilityGate: Sendable {
    /// Calls `completion(true)` once the record is durable, or `completion(false)` if that cannot be
    /// confirmed in time (the source then redelivers it). Must not block.
    func whenDurable(_ delivery: KafkaDelivery, completion: @escaping @Sendable (Bool) -> Void)
}

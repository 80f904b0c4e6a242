import Kafka

/// What a stateful processor knows of its outputs' ends, and, batch by batch, where its inputs and
/// outputs stood: a checkpoint that resumes inputs at earlier offsets takes the output positions
/// of that moment, so every output made since can be read back.
struct OutputPositions: Sendable {
    private(set) var ends: [TopicPartition: Int64] = [:]
    private var history: [(inputs: [TopicPartition: Int64], outputs: [TopicPartition: Int64])] = []

    init(ends: [TopicPartition: Int64] = [:]) {
        self.ends = ends
    }

    mutating func delivered(_ deliveries: [KafkaDelivery]) {
        for delivery in deliveries {
            let key = TopicPartition(topic: delivery.topic, partition: delivery.partition)
            ends[key] = max(ends[key] ?? 0, delivery.offset + 1)
        }
    }

    /// Notes where the inputs stand before a batch (and the outputs, by default the ends known now).
    mutating func mark(inputs: [TopicPartition: Int64], outputs: [TopicPartition: Int64]? = nil) {
        let outputs = outputs ?? ends
        if let last = history.last, last.inputs == inputs, last.outputs == outputs { return }
        history.append((inputs, outputs))
    }

    /// The output positions from the latest mark at or before `resume` on every partition, and
    /// forgets the marks before it.
    mutating func positions(resumingAt resume: [TopicPartition: Int64]) -> [TopicPartition: Int64] {
        guard
            let index = history.lastIndex(where: { mark in
                mark.inputs.allSatisfy { partition, offset in offset <= (resume[partition] ?? Int64.max) }
            })
        else { return history.first?.outputs ?? ends }
        history.removeFirst(index)
        return history[0].outputs
    }
}

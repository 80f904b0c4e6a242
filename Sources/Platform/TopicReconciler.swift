import Events
import Kafka
import Logging

/// Compares the topic catalogue with a cluster and brings the cluster in line: creates missing
/// topics, adds partitions, sets configs. What it cannot change (fewer partitions wanted, a broker
/// that refuses config changes) is reported as drift.
public struct TopicReconciler: Sendable {
    public struct Outcome: Sendable, CustomStringConvertible {
        public var topic: String
        public var actions: [String] = []
        public var drift: [String] = []

        public var description: String {
            let state = drift.isEmpty ? (actions.isEmpty ? "in line" : actions.joined(separator: "; ")) : "DRIFT: " + drift.joined(separator: "; ")
            return "\(topic): \(state)"
        }
    }

    let admin: KafkaAdmin
    let logger: Logger

    public init(admin: KafkaAdmin, logger: Logger) {
        self.admin = admin
        self.logger = logger
    }

    /// With `fix` false it only reports.
    public func reconcile(_ catalogue: TopicCatalogue, fix: Bool) throws -> [Outcome] {
        var outcomes: [String: Outcome] = Dictionary(uniqueKeysWithValues: catalogue.topics.map { ($0.name, Outcome(topic: $0.name)) })
        let existing = try admin.partitionCounts()
        let missing = catalogue.topics.filter { existing[$0.name] == nil }
        if fix, !missing.isEmpty {
            for (name, result) in try admin.createTopics(missing.map(\.specification)) {
                outcomes[name]?.actions.append(result == .created ? "created" : "exists")
            }
        } else {
            for topic in missing { outcomes[topic.name]?.drift.append("missing") }
        }
        let present = catalogue.topics.filter { existing[$0.name] != nil }
        for topic in present {
            let have = existing[topic.name] ?? 0
            if have < topic.partitions {
                if fix {
                    do {
                        try admin.setPartitionCount(topic.name, to: topic.partitions)
                        outcomes[topic.name]?.actions.append("partitions \(have) → \(topic.partitions)")
                    } catch {
                        outcomes[topic.name]?.drift.append("has \(have) partitions, catalogue says \(topic.partitions) (\(error.message))")
                    }
                } else {
                    outcomes[topic.name]?.drift.append("has \(have) partitions, catalogue says \(topic.partitions)")
                }
            } else if have > topic.partitions {
                outcomes[topic.name]?.drift.append("has \(have) partitions, catalogue says \(topic.partitions) (partitions cannot be removed)")
            }
        }
        let configs = try admin.topicConfigs(present.map(\.name))
        for topic in present {
            let actual = configs[topic.name] ?? [:]
            let differing = topic.configs.filter { actual[$0.key] != $0.value }
            guard !differing.isEmpty else { continue }
            let described = differing.sorted { $0.key < $1.key }.map { "\($0.key)=\(actual[$0.key] ?? "unset") (wanted \($0.value))" }
            if fix {
                do {
                    try admin.setTopicConfigs([topic.name: differing])
                    outcomes[topic.name]?.actions.append("set " + differing.keys.sorted().joined(separator: ", "))
                } catch {
                    outcomes[topic.name]?.drift.append(described.joined(separator: ", ") + " — the broker refused the change: \(error.message)")
                }
            } else {
                outcomes[topic.name]?.drift.append(described.joined(separator: ", "))
            }
        }
        return catalogue.topics.compactMap { outcomes[$0.name] }
    }
}

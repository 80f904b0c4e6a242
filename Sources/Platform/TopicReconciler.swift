import Events
import Kafka
import Logging

/// Compares the topic catalogue with a cluster and brings the cluster in line: creates missing
/// topics, adds partitions, sets configs (`min.insync.replicas` among them when topics are
/// replicated). What it cannot change (fewer partitions wanted, a replication factor other than the
/// topic's, more copies than the cluster has brokers, a broker that refuses config changes) is
/// reported as drift.
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
        let layout = try admin.layout()
        let wanted = catalogue.specifications
        let existing = layout.topics
        let missing = wanted.filter { existing[$0.name] == nil }
        // A topic cannot have more copies than there are brokers: say so instead of asking.
        let creatable = missing.filter { $0.replicationFactor <= layout.brokers }
        for topic in missing where topic.replicationFactor > layout.brokers {
            outcomes[topic.name]?.drift.append(
                "missing; it needs replication factor \(topic.replicationFactor) and the cluster has \(layout.brokers) broker\(layout.brokers == 1 ? "" : "s")"
            )
        }
        if fix, !creatable.isEmpty {
            for (name, result) in try admin.createTopics(creatable) {
                outcomes[name]?.actions.append(result == .created ? "created" : "exists")
            }
        } else {
            for topic in creatable { outcomes[topic.name]?.drift.append("missing") }
        }
        let present = wanted.filter { existing[$0.name] != nil }
        for topic in present {
            let have = existing[topic.name]?.partitions ?? 0
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
            let copies = existing[topic.name]?.replicationFactor ?? 0
            if copies != topic.replicationFactor {
                outcomes[topic.name]?.drift.append(
                    "replication factor \(copies), catalogue says \(topic.replicationFactor) (a partition reassignment changes it; apply does not)")
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

    /// One line on replication for the operator: the local single broker keeps one copy and says so.
    public static func replicationSummary(_ catalogue: TopicCatalogue, brokers: Int) -> String {
        let factors = Set(catalogue.specifications.map(\.replicationFactor)).sorted()
        let described = factors.map(String.init).joined(separator: ", ")
        if brokers == 1 && factors == [1] {
            return "replication factor 1: a single broker keeps one copy of each partition (a city cluster runs three; --replication-factor 3)"
        }
        return "replication factor \(described) on \(brokers) broker\(brokers == 1 ? "" : "s")"
    }
}

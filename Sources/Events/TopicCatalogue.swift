import Foundation
import JSON
import Kafka

/// Names of the topics the code produces to and consumes from. Their definitions live in `topics/`.
public enum Topics {
    public static let rawSensorReadings = "raw.sensor.readings"
    public static let spatialEvents = "spatial.events"
    public static let deadLetters = "dlq"
    /// Entity changes as imported or written, before checking and geocoding.
    public static let rawEntities = "raw.entities"
    /// Entity changes checked, geocoded and labelled, in EPSG:4490.
    public static let spatialEntities = "spatial.entities"
    /// Collection registrations and metadata edits (the catalogue).
    public static let catalogue = "catalogue"
    /// Import (and other) job progress.
    public static let jobs = "jobs"
    /// Gazetteer changes: divisions, names, boundaries, address points, aliases.
    public static let gazetteer = "gazetteer.changes"
}

extension TopicCatalogue {
    /// The definition of a topic, if the catalogue has it.
    public func definition(_ name: String) -> TopicDefinition? {
        topics.first { $0.name == name }
    }
}

/// One file of `topics/`: a topic's name, layout, owners and value schema.
public struct TopicDefinition: Decodable, Sendable {
    public var name: String
    public var description: String
    public var partitions: Int
    public var key: String
    public var configs: [String: String]
    public var producer: String
    public var consumers: [String]
    /// Media type of record values, as documentation (e.g. `application/json`).
    public var valueFormat: String?
    /// JSON Schema of record values (for raw topics: of the payload as it arrives).
    public var valueSchema: JSONValue?
    /// Copies of each partition this topic needs; absent: the platform-wide ``ReplicationPolicy``.
    public var replicationFactor: Int?
    /// `min.insync.replicas` of this topic; absent: the platform-wide ``ReplicationPolicy``.
    public var minInsyncReplicas: Int?

    enum CodingKeys: String, CodingKey {
        case name, description, partitions, key, configs, producer, consumers
        case valueFormat = "value_format"
        case valueSchema = "value_schema"
        case replicationFactor = "replication_factor"
        case minInsyncReplicas = "min_insync_replicas"
    }

    /// The value schema, compiled; `nil` when the topic declares none.
    public func compiledSchema() throws -> JSONSchema? {
        guard let valueSchema else { return nil }
        do {
            return try JSONSchema(valueSchema)
        } catch {
            throw EventDecodingError("topic \(name): value_schema: \(error.message)")
        }
    }

    /// What the topic should look like on a cluster under `policy`: its own replication settings
    /// win over the policy's; `min.insync.replicas` joins the configs when there is more than one copy.
    public func specification(_ policy: ReplicationPolicy = .singleBroker) -> TopicSpecification {
        let factor = replicationFactor ?? policy.replicationFactor
        var configs = configs
        if let minimum = minInsyncReplicas ?? policy.minInsyncReplicas(for: factor) {
            configs["min.insync.replicas"] = String(minimum)
        }
        return TopicSpecification(name: name, partitions: partitions, replicationFactor: factor, configs: configs)
    }
}

/// How many copies of each partition the platform keeps, unless a topic file says otherwise. The
/// local stack runs one broker, so one copy; a city cluster runs three brokers and keeps three
/// copies with two in sync before a write is acknowledged.
public struct ReplicationPolicy: Sendable, Hashable {
    public var replicationFactor: Int
    /// `nil`: one less than the replication factor, at most 2, and unset for a single copy.
    public var minInsyncReplicas: Int?

    public static let singleBroker = ReplicationPolicy(replicationFactor: 1)

    public init(replicationFactor: Int, minInsyncReplicas: Int? = nil) {
        self.replicationFactor = replicationFactor
        self.minInsyncReplicas = minInsyncReplicas
    }

    func minInsyncReplicas(for factor: Int) -> Int? {
        if let minInsyncReplicas { return minInsyncReplicas }
        return factor > 1 ? min(2, factor - 1) : nil
    }
}

/// The topic catalogue: every file in `topics/`.
public struct TopicCatalogue: Sendable {
    public var topics: [TopicDefinition]
    /// The platform-wide replication settings (`--replication-factor`, `--min-insync-replicas`).
    public var replication: ReplicationPolicy

    public init(topics: [TopicDefinition], replication: ReplicationPolicy = .singleBroker) {
        self.topics = topics
        self.replication = replication
    }

    /// Every topic as it should be on the cluster, under this catalogue's replication policy.
    public var specifications: [TopicSpecification] { topics.map { $0.specification(replication) } }

    /// Loads every `*.json` file of a directory.
    public static func load(from directory: URL) throws -> TopicCatalogue {
        let files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        let decoder = JSONDecoder()
        return TopicCatalogue(
            topics: try files.map { file in
                do {
                    return try decoder.decode(TopicDefinition.self, from: Data(contentsOf: file))
                } catch {
                    throw EventDecodingError("topic file \(file.lastPathComponent): \(error)")
                }
            })
    }

    /// Finds `topics/`: an explicit path, else `SHIKONG_TOPICS_DIR`, else the nearest `topics/` above the
    /// working directory or the executable.
    public static func locate(explicit: String? = nil) throws -> URL {
        if let path = explicit ?? ProcessInfo.processInfo.environment["SHIKONG_TOPICS_DIR"] {
            return URL(fileURLWithPath: path)
        }
        let starts = [
            URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
            URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath().deletingLastPathComponent(),
        ]
        for start in starts {
            var directory = start.standardizedFileURL
            while directory.path != "/" {
                let candidate = directory.appendingPathComponent("topics")
                if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("\(Topics.deadLetters).json").path) {
                    return candidate
                }
                directory.deleteLastPathComponent()
            }
        }
        throw EventDecodingError("no topics/ directory found; pass --topics-dir or set SHIKONG_TOPICS_DIR")
    }
}

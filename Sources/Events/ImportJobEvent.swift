import Foundation
import Kafka

/// The progress of an import job, as events on `jobs` (`import.started`, `import.progress`,
/// `import.completed`, `import.failed`, and `import.interrupted` when the process stopped during the
/// job: it is resumed or failed when the process starts again); the jobs projection keeps the latest
/// state per job.
public struct ImportJobEvent: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable {
        case started, progress, completed, failed, interrupted
    }

    public var job: UUID
    public var status: Status
    public var collection: String
    public var file: String
    /// Features in the file, when the format says without a full read.
    public var total: Int?
    public var counts: ImportCounts
    /// For a failed job: why.
    public var message: String?
    public var at: Date

    public init(
        job: UUID, status: Status, collection: String, file: String, total: Int?, counts: ImportCounts, message: String? = nil, at: Date = Date()
    ) {
        self.job = job
        self.status = status
        self.collection = collection
        self.file = file
        self.total = total
        self.counts = counts
        self.message = message
        self.at = at
    }

    public var type: String { "import.\(status.rawValue)" }

    /// Keyed by the job, so a job's events stay in order.
    public func record(topic: String) throws -> OutgoingRecord {
        let metadata = EventMetadata(
            id: EventIDGenerator.shared.next(at: at), type: type, subject: "job:\(job.uuidString.lowercased())", source: "shikong://import/\(file)",
            occurredAt: at, recordedAt: at, schema: "shikong/import.job/1")
        return metadata.record(topic: topic, value: try EventJSON.encoder().encode(self))
    }
}

/// What an import did so far.
public struct ImportCounts: Codable, Sendable, Equatable {
    /// Rows read from the file (features and failed rows).
    public var read = 0
    /// Features that changed or were new: one `entity.upserted` each.
    public var upserted = 0
    /// Features equal to the current version: nothing sent.
    public var unchanged = 0
    /// Entities missing from a full re-import: one `entity.retired` each.
    public var retired = 0
    /// Rows that went to the dead-letter topic.
    public var failed = 0

    public init() {}
}

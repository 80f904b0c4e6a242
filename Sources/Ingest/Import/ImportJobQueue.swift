import Events
import Foundation
import GeoVocabulary
import Kafka
import Logging
import ServiceLifecycle
import Synchronization

/// The import jobs of `POST /imports`, run one at a time by a lifecycle service with a bounded
/// queue.
///
/// Each accepted job keeps its uploaded file and its plan (`plan.json`) in a directory of its own
/// under `directory` until it completes or fails. When the process stops, the running job and the
/// waiting ones are marked `interrupted` (an `import.interrupted` event on `jobs`); when it starts
/// again, each interrupted job is resumed if its file is still there — the importer skips features
/// the projection already holds unchanged, so a resumed job sends only what is missing — or failed
/// with the reason.
public final class ImportJobQueue: Service {
    /// Why a job was not accepted.
    public enum Refusal: Error, Sendable {
        /// `capacity` jobs are running or waiting: try again later.
        case full(capacity: Int)
    }

    public let directory: URL
    /// Most jobs accepted and not finished (running and waiting).
    public let capacity: Int
    private let importer: EntityImporter
    private let producer: KafkaProducer
    private let logger: Logger
    private let queue: AsyncStream<Job>
    private let incoming: AsyncStream<Job>.Continuation
    /// Accepted and not finished: running and waiting.
    private let jobs = Mutex<[UUID: Job]>([:])
    private let createdAt = Date()

    struct Job: Sendable {
        var id: UUID
        var plan: EntityImport
    }

    public init(
        directory: URL, capacity: Int = 8, producer: KafkaProducer, baseline: any ImportBaseline, serviceArea: BoundingBox, logger: Logger
    ) {
        self.directory = directory
        self.capacity = capacity
        self.producer = producer
        self.logger = logger
        self.importer = EntityImporter(producer: producer, baseline: baseline, serviceArea: serviceArea, logger: logger)
        (queue, incoming) = AsyncStream.makeStream(of: Job.self)
    }

    /// Whether a new job would be accepted now.
    public var hasRoom: Bool { jobs.withLock { $0.count < capacity } }

    /// A new, empty directory for the upload of job `id`.
    public func uploadDirectory(for id: UUID) throws -> URL {
        let jobDirectory = directory.appendingPathComponent(id.uuidString.lowercased(), isDirectory: true)
        try FileManager.default.createDirectory(at: jobDirectory, withIntermediateDirectories: true)
        return jobDirectory
    }

    /// Queues job `id`, whose file is already in its upload directory; refuses it when the queue is
    /// full (the caller removes the upload).
    public func submit(_ plan: EntityImport, id: UUID) throws {
        let job = Job(id: id, plan: plan)
        let admitted = jobs.withLock { jobs in
            guard jobs.count < capacity else { return false }
            jobs[id] = job
            return true
        }
        guard admitted else { throw Refusal.full(capacity: capacity) }
        do {
            try JSONEncoder().encode(plan).write(to: planURL(id))
        } catch {
            _ = jobs.withLock { $0.removeValue(forKey: id) }
            throw error
        }
        incoming.yield(job)
    }

    public func run() async throws {
        try await resumeInterrupted()
        await cancelWhenGracefulShutdown {
            for await job in self.queue where !Task.isCancelled { await self.perform(job) }
        }
        // Stopping: the jobs that never started are interrupted too.
        incoming.finish()
        let waiting = jobs.withLock { jobs in
            defer { jobs = [:] }
            return jobs.values.sorted { $0.id.uuidString < $1.id.uuidString }
        }
        for job in waiting { await interrupted(job, counts: ImportCounts()) }
    }

    private func perform(_ job: Job) async {
        let progress = Progress()
        do {
            let report = try await importer.run(job.plan, job: job.id) { counts, _ in progress.counts.withLock { $0 = counts } }
            finished(job.id)
            logger.info("import finished", metadata: ["job": "\(job.id)", "counts": "\(report.counts)"])
            remove(job.id)
        } catch is CancellationError {
            finished(job.id)
            await interrupted(job, counts: progress.counts.withLock { $0 })
        } catch {
            // The importer reported the failure on `jobs` already.
            finished(job.id)
            logger.error("import failed", metadata: ["job": "\(job.id)", "error": "\(error)"])
            remove(job.id)
        }
    }

    private func finished(_ id: UUID) {
        _ = jobs.withLock { $0.removeValue(forKey: id) }
    }

    /// Marks a job interrupted; its directory stays for the next start.
    private func interrupted(_ job: Job, counts: ImportCounts) async {
        logger.notice("import interrupted; it resumes when the process starts again", metadata: ["job": "\(job.id)"])
        let event = ImportJobEvent(
            job: job.id, status: .interrupted, collection: job.plan.collection, file: job.plan.fileName, total: nil, counts: counts,
            message: "the process stopped during the import; it resumes when the process starts again")
        do {
            try await producer.send(try event.record(topic: Topics.jobs))
        } catch {
            logger.warning("interruption not recorded", metadata: ["job": "\(job.id)", "error": "\(error)"])
        }
    }

    /// Jobs a previous run left: resumed when their file is there, failed when it is not.
    private func resumeInterrupted() async throws {
        let entries = (try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)) ?? []
        for entry in entries.sorted(by: { $0.lastPathComponent < $1.lastPathComponent }) {
            // Jobs submitted since this process started are queued already.
            guard let id = UUID(uuidString: entry.lastPathComponent), !jobs.withLock({ $0[id] != nil }) else { continue }
            guard let data = try? Data(contentsOf: planURL(id)), let plan = try? JSONDecoder().decode(EntityImport.self, from: data) else {
                // An upload that never became a job (a process stopped while receiving it); one being
                // received by this process now is newer than the queue. File times come from the
                // kernel's coarse clock, a few milliseconds behind `Date()`: an upload made just after
                // the start could look older than the queue, so only clearly older ones are removed.
                let created = (try? entry.resourceValues(forKeys: [.creationDateKey, .contentModificationDateKey]))
                if let made = created?.creationDate ?? created?.contentModificationDate, made < createdAt.addingTimeInterval(-60) { remove(id) }
                continue
            }
            guard FileManager.default.fileExists(atPath: plan.file.path) else {
                let event = ImportJobEvent(
                    job: id, status: .failed, collection: plan.collection, file: plan.fileName, total: nil, counts: ImportCounts(),
                    message: "interrupted by a restart, and its uploaded file \(plan.fileName) is gone: upload it again")
                try await producer.send(try event.record(topic: Topics.jobs))
                logger.warning("interrupted import cannot resume: its file is gone", metadata: ["job": "\(id)"])
                remove(id)
                continue
            }
            logger.notice("resuming an interrupted import", metadata: ["job": "\(id)", "file": "\(plan.fileName)"])
            let job = Job(id: id, plan: plan)
            jobs.withLock { $0[id] = job }
            incoming.yield(job)
        }
    }

    private func planURL(_ id: UUID) -> URL {
        directory.appendingPathComponent(id.uuidString.lowercased(), isDirectory: true).appendingPathComponent("plan.json")
    }

    private func remove(_ id: UUID) {
        try? FileManager.default.removeItem(at: directory.appendingPathComponent(id.uuidString.lowercased(), isDirectory: true))
    }
}

/// The counts of the running job, as the importer reports them.
private final class Progress: Sendable {
    let counts = Mutex(ImportCounts())
}

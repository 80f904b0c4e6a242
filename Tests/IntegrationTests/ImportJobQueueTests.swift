import Database
import Events
import Foundation
import GeoVocabulary
import Ingest
import Kafka
import Logging
import Platform
import PostgresNIO
import ServiceLifecycle
import ShikongTesting
import Testing

/// Import jobs as a lifecycle service: a bounded queue that refuses more than it takes, jobs that a
/// stopping process marks interrupted, and a restart that resumes the ones whose file is still
/// there and fails the others with the reason.
@Suite("Import job queue", .serialized)
struct ImportJobQueueTests {
    static let rows = 500

    @Test("a full queue refuses; a stop interrupts; a restart resumes a job or fails it when its file is gone")
    func interruptAndResume() async throws {
        let platform = try await TestPlatform.shared()
        let logger = Logger(label: "shikong.test.imports")
        let run = UUID().uuidString.prefix(6).lowercased()
        let directory = TestPlatform.scratchRoot.appendingPathComponent("imports-\(run)", isDirectory: true)
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(client: platform.configuration.kafkaClient))
        defer { producer.close() }
        let configuration = platform.configuration.database

        try await DatabaseSession.withClient(configuration, logger: logger) { client in
            func queue(baseline: any ImportBaseline) -> ImportJobQueue {
                ImportJobQueue(directory: directory, capacity: 2, producer: producer, baseline: baseline, serviceArea: .china, logger: logger)
            }
            func submit(_ queue: ImportJobQueue, collection: String, rows: Int) throws -> UUID {
                let id = EventIDGenerator.shared.next()
                var plan = EntityImport(file: try queue.uploadDirectory(for: id).appendingPathComponent("points.csv"), collection: collection)
                plan.idField = "code"
                try Self.csv(rows: rows).write(to: plan.file, atomically: true, encoding: .utf8)
                do {
                    try queue.submit(plan, id: id)
                } catch {
                    // As the HTTP handler does: a refused upload is the caller's to remove.
                    try? FileManager.default.removeItem(at: plan.file.deletingLastPathComponent())
                    throw error
                }
                return id
            }
            func status(_ id: UUID) async throws -> (String, String?) {
                let rows = try await client.rows("SELECT status, message FROM import_jobs WHERE id = \(id)", logger: logger)
                return try rows.first.map { try $0.decode((String, String?).self) } ?? ("missing", nil)
            }
            func waitFor(_ id: UUID, _ wanted: Set<String>, timeout: Duration = .seconds(120)) async throws -> (String, String?) {
                let deadline = ContinuousClock.now + timeout
                var last = ("missing", String?.none)
                while ContinuousClock.now < deadline {
                    last = try await status(id)
                    if wanted.contains(last.0) { return last }
                    try await Task.sleep(for: .milliseconds(200))
                }
                return last
            }

            // First process: a job runs (held where it reads the collection's state), a second waits, a third is refused.
            let gate = HeldBaseline()
            let first = queue(baseline: gate)
            let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: [.init(service: first)], logger: logger))
            let running = Task { try await group.run() }
            let long = try submit(first, collection: "queue_long_\(run)", rows: Self.rows)
            let waiting = try submit(first, collection: "queue_waiting_\(run)", rows: 10)
            #expect(!first.hasRoom)
            #expect(throws: ImportJobQueue.Refusal.self) { _ = try submit(first, collection: "queue_refused_\(run)", rows: 10) }
            await gate.reached()
            await group.triggerGracefulShutdown()
            try await running.value
            #expect(try await waitFor(long, ["interrupted", "completed"]).0 == "interrupted", "the long job was interrupted, not finished")
            #expect(try await waitFor(waiting, ["interrupted"]).0 == "interrupted")

            // The waiting job's upload is lost; the long one's is there.
            try FileManager.default.removeItem(
                at: directory.appendingPathComponent(waiting.uuidString.lowercased()).appendingPathComponent("points.csv"))

            // Second process on the same directory.
            let second = queue(baseline: EntityBaseline(client: client, logger: logger))
            let again = ServiceGroup(configuration: ServiceGroupConfiguration(services: [.init(service: second)], logger: logger))
            let resumed = Task { try await again.run() }
            let (finalStatus, _) = try await waitFor(long, ["completed", "failed"])
            #expect(finalStatus == "completed")
            let (lostStatus, reason) = try await waitFor(waiting, ["failed"])
            #expect(lostStatus == "failed" && reason?.contains("is gone") == true, "\(reason ?? "no reason")")
            await again.triggerGracefulShutdown()
            try await resumed.value

            let projected = try await platform.waitForCount(
                "SELECT count(*)::int FROM entity_current WHERE collection = \("queue_long_\(run)")", timeout: .seconds(180)
            ) { $0 >= Self.rows }
            #expect(projected == Self.rows, "every feature of the resumed job is projected once")
            #expect((try? FileManager.default.contentsOfDirectory(atPath: directory.path))?.isEmpty ?? true, "finished jobs leave no files")
        }
    }

    /// Points scattered over Wuhan with a stable code each.
    static func csv(rows: Int) -> String {
        var text = "code,lon,lat,name\n"
        text.reserveCapacity(rows * 40)
        for index in 0..<rows {
            text += "p\(index),\(114.0 + Double(index % 1_000) * 0.0005),\(30.3 + Double(index / 1_000) * 0.005),point \(index)\n"
        }
        return text
    }
}

/// A baseline that holds the import reading it until the task is cancelled: the job is certainly
/// running when the test stops the queue.
private final class HeldBaseline: ImportBaseline {
    private let calls = AsyncStream<Void>.makeStream()

    func current(collection: String) async throws -> [String: (hash: String?, source: String?)] {
        calls.continuation.yield()
        while true { try await Task.sleep(for: .seconds(1)) }
    }

    /// Returns once an import reads the baseline.
    func reached() async {
        var iterator = calls.stream.makeAsyncIterator()
        _ = await iterator.next()
    }
}

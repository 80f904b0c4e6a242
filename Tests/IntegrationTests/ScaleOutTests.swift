import Events
import Foundation
import Kafka
import Platform
import ShikongTesting
import Testing

/// Scale-out: two `process` and two `project` instances share their consumer groups on the
/// three-partition topics; once both instances of each stage hold partitions, readings stream in and
/// one instance of each is killed with SIGKILL mid-stream (the other processor after a stall that
/// gets it evicted from its group). The survivors take over the dead ones' partitions (a processor
/// resumes from the group's committed offsets, a projection from the positions stored with its
/// rows), and every reading must be projected exactly once.
@Suite("Scale-out", .serialized)
struct ScaleOutTests {
    static let readings = 40_000
    static let sensors = 400

    /// The loggers whose partition assignments show who holds what: the spatialiser of `process`,
    /// the sensors projection of `project`.
    static let spatialiser = "shikong.spatialiser"
    static let sensorsProjection = "shikong.projection.sensors"

    @Test("two instances of process and project, one of each killed mid-stream: every reading projected exactly once")
    func oneOfEachKilled() async throws {
        let platform = try await TestPlatform.start(stages: [])
        defer { Task { await platform.discard() } }
        // The live layer's processors read every partition: one instance runs them.
        let processors = [
            StageProcess(.process, platform: platform), StageProcess(.process, platform: platform, replica: 1, extraArguments: ["--no-live-layer"]),
        ]
        let projectors = [0, 1].map { StageProcess(.project, platform: platform, replica: $0) }
        // One ingest only: every bridge connects to MQTT with the same client id and session.
        let stages = [StageProcess(.ingest, platform: platform)] + processors + projectors
        for stage in stages { try stage.start() }
        defer { for stage in stages { stage.stop() } }

        let processorSplit = try await waitForSplit(of: processors, logger: Self.spatialiser, topic: Topics.rawSensorReadings)
        let projectorSplit = try await waitForSplit(of: projectors, logger: Self.sensorsProjection, topic: Topics.spatialEvents)
        print("before the kill: spatialiser \(processorSplit), sensors projection \(projectorSplit)")

        let stream = ReadingStream("scale", readings: Self.readings, sensors: Self.sensors)
        async let disrupted: Int = {
            // Mid-stream: a quarter of the readings projected, the rest still on their way. One
            // projector dies; one processor stalls past its session timeout, so the group evicts it
            // and the batch it was on ends with a commit the group refuses: it must carry on, rejoin,
            // and take every partition when the other processor dies.
            let projected = try await platform.waitForCount(stream.projectedQuery, timeout: .seconds(120)) { $0 >= Self.readings / 4 }
            projectors[1].kill()
            processors[1].freeze(true)
            try await Task.sleep(for: .seconds(10))
            processors[1].freeze(false)
            try await Task.sleep(for: .seconds(2))
            processors[0].kill()
            return projected
        }()
        try await stream.publish(to: platform)
        let projectedAtKill = try await disrupted
        print(
            "killed \(projectors[1].name) and \(processors[0].name), stalled \(processors[1].name), with \(projectedAtKill) of \(Self.readings) projected"
        )
        #expect(projectedAtKill < Self.readings, "the disruption came mid-stream")
        #expect(processors[1].isRunning, "the stalled processor carried on")

        // The survivors hold every partition now.
        let survivors = try await waitForSplit(
            of: [processors[1]], logger: Self.spatialiser, topic: Topics.rawSensorReadings, timeout: .seconds(90))
        let survivingProjector = try await waitForSplit(
            of: [projectors[0]], logger: Self.sensorsProjection, topic: Topics.spatialEvents, timeout: .seconds(90))
        #expect(survivors[0].count == 3 && survivingProjector[0].count == 3)

        try await stream.expectEachProjectedOnce(on: platform, timeout: .seconds(180))
        try await stream.reportReprocessing("scale-out", platform: platform)
        let refused = (try? String(contentsOf: processors[1].log, encoding: .utf8))?.contains("offsets not committed") ?? false
        print("the stalled processor's commit was \(refused ? "refused by the group, and it carried on" : "not refused this time")")
        // The live layer ran in the first `process` instance only.
        let liveLayer = " shikong.live.definitions:"
        #expect(try String(contentsOf: processors[0].log, encoding: .utf8).contains(liveLayer))
        #expect(try !String(contentsOf: processors[1].log, encoding: .utf8).contains(liveLayer))
    }

    /// Waits until every instance holds some partitions of `topic` and together they hold all three,
    /// each once (as their latest "partitions assigned" log lines say); returns each instance's partitions.
    private func waitForSplit(
        of instances: [StageProcess], logger label: String, topic: String, timeout: Duration = .seconds(120)
    ) async throws -> [Set<Int32>] {
        let deadline = ContinuousClock.now + timeout
        var held: [Set<Int32>] = []
        while ContinuousClock.now < deadline {
            held = instances.map { Self.assignment(in: $0.log, logger: label, topic: topic) }
            let all = held.reduce(into: [Int32]()) { $0 += $1 }
            if held.allSatisfy({ !$0.isEmpty }), Set(all) == [0, 1, 2], all.count == 3 { return held }
            try await Task.sleep(for: .milliseconds(250))
        }
        Issue.record("partitions of \(topic) not split between \(instances.map(\.name)) within \(timeout): \(held)")
        return held
    }

    /// The partitions of `topic` a stage's log says `logger` holds: those of its last assignment, none after a revocation.
    static func assignment(in log: URL, logger label: String, topic: String) -> Set<Int32> {
        guard let text = try? String(contentsOf: log, encoding: .utf8) else { return [] }
        var held: Set<Int32> = []
        for line in text.split(separator: "\n") where line.contains(" \(label):") {
            if line.hasSuffix("partitions revoked") {
                held = []
            } else if line.hasSuffix("partitions assigned") {
                held = Set(
                    line.matches(of: #/([\w.]+)\[(\d+)\]@/#).compactMap { match in match.output.1 == topic ? Int32(match.output.2) : nil })
            }
        }
        return held
    }
}

import Foundation
import LocalStack
import Platform
import ShikongTesting
import Testing

/// Exactly-once effects through crashes: 100,000 readings stream through stages running as their own
/// processes while a stage is killed with SIGKILL at random instants, the broker is killed and comes
/// back empty (the log is put back from the archive), or PostgreSQL stops. Every projection must end
/// with exactly 100,000 effects.
@Suite("Crash recovery", .serialized)
struct CrashRecoveryTests {
    static let readings = 100_000
    static let sensors = 500

    @Test("SIGKILL of any stage at random points loses and duplicates nothing")
    func killedStages() async throws {
        try await scenario("kill") { platform, stages in
            var generator = SystemRandomNumberGenerator()
            for round in 0..<8 {
                try await Task.sleep(for: .milliseconds(Int.random(in: 1_500...3_500, using: &generator)))
                let victim = stages.randomElement(using: &generator)!
                victim.kill()
                try await Task.sleep(for: .milliseconds(Int.random(in: 100...1_000, using: &generator)))
                try victim.start()
                print("crash round \(round): restarted \(victim.stage.rawValue)")
            }
        }
    }

    @Test("a broker that restarts with an empty log gets it back from the archive")
    func brokerRestart() async throws {
        try await scenario("broker") { platform, stages in
            try await Task.sleep(for: .seconds(4))
            platform.stack.process(.tansu)?.stop(signal: SIGKILL, timeout: 5)
            for stage in stages { stage.kill() }
            try await Task.sleep(for: .seconds(1))
            try await platform.stack.restart(.tansu)
            try await platform.prepareRestartedBroker()
            for stage in stages { try stage.start() }
        }
    }

    @Test("a PostgreSQL restart mid-stream loses and duplicates nothing")
    func databaseRestart() async throws {
        try await scenario("postgres") { platform, _ in
            try await Task.sleep(for: .seconds(4))
            // SIGQUIT: PostgreSQL's immediate shutdown, recovering from its WAL on the next start, like a crash.
            platform.stack.process(.postgres)?.stop(signal: SIGQUIT, timeout: 30)
            try await Task.sleep(for: .seconds(3))
            try await platform.stack.restart(.postgres)
        }
    }

    /// Starts a platform with every stage as a process, streams the readings while `disrupt` runs, and
    /// checks each projection's effects.
    private func scenario(_ name: String, disrupt: @escaping @Sendable (TestPlatform, [StageProcess]) async throws -> Void) async throws {
        let platform = try await TestPlatform.start(stages: [])
        defer { Task { await platform.discard() } }
        let stages = [Stage.ingest, .process, .project].map { StageProcess($0, platform: platform) }
        for stage in stages { try stage.start() }
        defer { for stage in stages { stage.stop() } }
        let stream = ReadingStream(name, readings: Self.readings, sensors: Self.sensors)

        async let disruption: Void = disrupt(platform, stages)
        try await stream.publish(to: platform)
        try await disruption
        for stage in stages where !stage.isRunning { try stage.start() }

        try await stream.expectEachProjectedOnce(on: platform)
        try await stream.reportReprocessing(name, platform: platform)
    }
}

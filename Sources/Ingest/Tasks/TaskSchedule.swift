/// Runs a task's work once, then again `every` seconds after the start of the last run, until
/// cancelled; with no schedule, once.
enum TaskSchedule {
    static func repeating(every seconds: Double?, _ body: (_ number: Int) async throws -> Void) async throws {
        var number = 0
        while !Task.isCancelled {
            number += 1
            let started = ContinuousClock.now
            try await body(number)
            guard let seconds else { return }
            try await Task.sleep(until: started + .milliseconds(Int64(seconds * 1_000)), clock: .continuous)
        }
    }
}

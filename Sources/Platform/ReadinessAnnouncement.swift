import Events
import Logging
import ServiceLifecycle

/// Says the platform is up once every stage of the process is ready (see `Readiness`), and not
/// before: a publisher that starts on the announcement loses nothing. While it waits it reports,
/// every few seconds, what is still not ready.
public struct ReadinessAnnouncement: Service {
    let readiness: Readiness
    let message: String
    let logger: Logger

    public init(readiness: Readiness, message: String, logger: Logger) {
        self.readiness = readiness
        self.message = message
        self.logger = logger
    }

    public func run() async throws {
        var waited = ContinuousClock.now
        while !readiness.isReady {
            if Task.isCancelled || Task.isShuttingDownGracefully { return }
            if ContinuousClock.now - waited > .seconds(10) {
                waited = .now
                logger.notice(
                    "still starting", metadata: ["waiting": "\(readiness.pending.map { "\($0.part): \($0.waitingFor)" }.joined(separator: "; "))"])
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        logger.notice("\(message)")
    }
}

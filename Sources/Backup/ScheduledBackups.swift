import Database
import Foundation
import Logging
import ServiceLifecycle

/// Takes a base backup every `interval` (the first one soon after start when there is none yet, so
/// the WAL archive is usable from day one) and keeps the newest `keep`.
public struct ScheduledBackups: Service {
    let database: DatabaseConfiguration
    let store: BackupStore
    let programs: PostgresPrograms
    let interval: Duration
    let keep: Int
    let logger: Logger

    public init(database: DatabaseConfiguration, store: BackupStore, programs: PostgresPrograms, interval: Duration, keep: Int, logger: Logger) {
        self.database = database
        self.store = store
        self.programs = programs
        self.interval = interval
        self.keep = keep
        self.logger = logger
    }

    public func run() async throws {
        var wait = try dueIn()
        while !Task.isShuttingDownGracefully {
            let pause = wait
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
            } catch {
                return
            }
            do {
                try await BaseBackup(store: store, programs: programs, logger: logger).take(from: database)
                try await BackupRetention(store: store, programs: programs, logger: logger).prune(keep: keep)
            } catch {
                logger.error("scheduled backup failed: \(error)")
            }
            wait = interval
        }
    }

    /// How long until the next backup is due: a minute after start with none yet, else what is
    /// left of the interval since the newest.
    private func dueIn() throws -> Duration {
        guard let newest = try store.latest() else { return .seconds(60) }
        let elapsed = Date().timeIntervalSince(newest.finishedAt)
        let seconds = Double(interval.components.seconds)
        return .seconds(max(60, seconds - elapsed))
    }
}

import Logging
import PostgresNIO
import ReadModel
import ServiceLifecycle

/// Runs `QueryableIndexes.reconcile()` every few seconds in the projection stage, so an index a
/// collection's metadata asks for is built soon after the edit, without blocking any projection.
struct QueryableIndexService: Service {
    let indexes: QueryableIndexes
    let interval: Duration
    let logger: Logger

    init(client: PostgresClient, interval: Duration = .seconds(5), logger: Logger) {
        indexes = QueryableIndexes(client: client, logger: logger)
        self.interval = interval
        self.logger = logger
    }

    func run() async throws {
        var failing = false
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await indexes.reconcile()
                failing = false
            } catch {
                if !failing { logger.warning("indexed queryables not reconciled; retrying", metadata: ["error": "\(String(reflecting: error))"]) }
                failing = true
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}

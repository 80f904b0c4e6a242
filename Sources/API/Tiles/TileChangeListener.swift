import Database
import Logging
import PostgresNIO
import ReadModel
import ServiceLifecycle

/// Follows the projections' change notices (`LISTEN shikong_tile_changes`, sent when their
/// transactions commit) on a connection of its own and drops the cached tiles they affect, so a
/// stale tile is gone as soon as the new state is readable. While it is not connected the cache
/// keeps nothing; after a reconnection it starts empty, since notices may have been missed.
public struct TileChangeListener: Service {
    let database: DatabaseConfiguration
    let cache: TileCache
    let logger: Logger

    public init(database: DatabaseConfiguration, cache: TileCache, logger: Logger) {
        self.database = database
        self.cache = cache
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            var attempt = 0
            while !Task.isCancelled {
                do {
                    let connection = try await PostgresConnection.connect(configuration: try database.connection(), id: 1, logger: logger)
                    do {
                        try await connection.listen(on: TileChange.channel) { notifications in
                            cache.following(true)
                            attempt = 0
                            for try await notification in notifications {
                                cache.apply(TileChange(payload: notification.payload))
                            }
                        }
                    } catch {
                        cache.following(false)
                        try? await connection.close()
                        throw error
                    }
                    cache.following(false)
                    try? await connection.close()
                } catch {
                    cache.following(false)
                    if Task.isCancelled { break }
                    attempt += 1
                    if attempt == 1 {
                        logger.warning("tile change notices lost; tiles are not cached until they are back", metadata: ["error": "\(error)"])
                    }
                }
                try? await Task.sleep(for: .milliseconds(500))
            }
        }
    }
}

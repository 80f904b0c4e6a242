import Crawler
import ServiceLifecycle

/// The process's one HTTP client for crawls and API polls, closed at shutdown once the services that
/// fetch with it (started after it, so stopped before it) are done.
final class PageFetcherService: Service {
    let fetcher: HTTPPageFetcher

    init(fetcher: HTTPPageFetcher) {
        self.fetcher = fetcher
    }

    func run() async throws {
        try? await gracefulShutdown()
        await fetcher.shutdown()
    }
}

import Crawler
import Foundation
import Ingest
import Logging
import PostgresNIO

/// What earlier runs of a crawl task learnt about each URL, from the `crawl_pages` projection: the
/// validators a revisit sends as a conditional GET, the content hash, and the page's links.
struct PostgresCrawlMemory: CrawlMemoryStore {
    let client: PostgresClient
    let logger: Logger

    func memory(taskID: String) async throws -> [String: PageMemory] {
        var memory: [String: PageMemory] = [:]
        let rows = try await client.query(
            """
            SELECT url, etag, last_modified, content_hash, links FROM crawl_pages
            WHERE task_id = \(taskID) AND (etag IS NOT NULL OR last_modified IS NOT NULL OR content_hash IS NOT NULL)
            """, logger: logger)
        for try await (url, etag, lastModified, hash, links) in rows.decode((String, String?, String?, String?, [String]?).self) {
            memory[url] = PageMemory(validators: Validators(etag: etag, lastModified: lastModified), contentHash: hash, links: links)
        }
        return memory
    }
}

import Events
import Foundation

/// Where a crawl run's results go: the platform publishes items to `raw.items` and the outcome to
/// `task.runs`; tests collect them.
public protocol CrawlSink: Sendable {
    /// Publishes a page's items, then its outcome (so an outcome never reports items that are not
    /// in the log yet).
    func publish(items: [Data], outcome: CrawlPageOutcome) async throws
}

/// What an earlier run learnt about a URL: the validators for a conditional GET, the content hash,
/// to tell an unchanged page that ignored them, and the in-scope links the page held, which a
/// `304 Not Modified` page still leads to.
public struct PageMemory: Sendable, Hashable {
    public var validators: Validators
    public var contentHash: String?
    public var links: [String]?

    public init(validators: Validators, contentHash: String?, links: [String]? = nil) {
        self.validators = validators
        self.contentHash = contentHash
        self.links = links
    }
}

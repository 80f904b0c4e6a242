import Foundation
import HTMLExtraction

/// What a crawl task does, as its definition (JSON, snake_case) is written:
///
/// ```json
/// {"seeds": ["https://news.example.cn/"], "allowed_hosts": ["news.example.cn"],
///  "include": ["/notices/"], "exclude": ["\\.pdf$"], "max_depth": 2, "max_pages": 200,
///  "page_types": [{"name": "notice", "url_pattern": "/notices/\\d+\\.html$",
///                  "fields": {"title": {"css": "h1"}, "address": {"css": ".addr"}}}],
///  "schedule": {"every_seconds": 3600}, "min_delay_seconds": 1, "time_zone": "+08:00"}
/// ```
public struct CrawlDefinition: Codable, Sendable, Equatable {
    /// Where the crawl starts (depth 0).
    public var seeds: [String]
    /// Hosts (`host` or `host:port`) whose pages may be fetched; default: the seeds' hosts.
    public var allowedHosts: [String]?
    /// Regular expressions over the absolute URL: when given, a URL must match one.
    public var include: [String]?
    /// Regular expressions over the absolute URL: a URL matching one is never fetched.
    public var exclude: [String]?
    /// Links followed from the seeds: 0 fetches the seeds only. Default 3.
    public var maxDepth: Int?
    /// Pages fetched per run at most. Default 1,000.
    public var maxPages: Int?
    /// Which pages give items, and how their fields are found.
    public var pageTypes: [PageTypeDefinition]
    public var schedule: Schedule?
    /// Seconds between two requests to one host at least (robots.txt `Crawl-delay` raises it). Default 1.
    public var minDelaySeconds: Double?
    /// Seconds a request may take. Default 20.
    public var timeoutSeconds: Double?
    /// Largest page read, in bytes. Default 2 MiB.
    public var maxPageBytes: Int?
    /// Redirects followed from one URL. Default 5.
    public var maxRedirects: Int?
    /// Offset for page times written without one (`2026年11月20日 09:30`). Default `+08:00`.
    public var timeZone: String?
    /// Attribute-domain labels given to every item (`domain`, `industry`, `theme`).
    public var labels: [String: String]?

    public init(seeds: [String], pageTypes: [PageTypeDefinition]) {
        self.seeds = seeds
        self.pageTypes = pageTypes
    }

    enum CodingKeys: String, CodingKey {
        case seeds, include, exclude, schedule, labels
        case allowedHosts = "allowed_hosts"
        case maxDepth = "max_depth"
        case maxPages = "max_pages"
        case pageTypes = "page_types"
        case minDelaySeconds = "min_delay_seconds"
        case timeoutSeconds = "timeout_seconds"
        case maxPageBytes = "max_page_bytes"
        case maxRedirects = "max_redirects"
        case timeZone = "time_zone"
    }
}

/// A kind of page: which URLs it covers, whether its links are followed, and the rules for its
/// fields. `title`, `text`, `time`, `address`, `place` and `id` are the item's own fields; any
/// other name becomes an attribute of the item.
public struct PageTypeDefinition: Codable, Sendable, Equatable {
    public var name: String
    /// A regular expression over the absolute URL; none: every page.
    public var urlPattern: String?
    /// One item per element this rule matches (a list of notices), fields relative to it; none: the
    /// page is one item.
    public var record: ExtractionRule?
    public var fields: [String: ExtractionRule]
    /// Whether links on pages of this type are followed. Default true.
    public var followLinks: Bool?

    public init(name: String, urlPattern: String? = nil, record: ExtractionRule? = nil, fields: [String: ExtractionRule], followLinks: Bool? = nil) {
        self.name = name
        self.urlPattern = urlPattern
        self.record = record
        self.fields = fields
        self.followLinks = followLinks
    }

    enum CodingKeys: String, CodingKey {
        case name, record, fields
        case urlPattern = "url_pattern"
        case followLinks = "follow_links"
    }
}

/// When a task runs again: every N seconds after the start of its last run. None: once, when it
/// is added or resumed (and on demand).
public struct Schedule: Codable, Sendable, Equatable {
    public var everySeconds: Double

    public init(everySeconds: Double) {
        self.everySeconds = everySeconds
    }

    enum CodingKeys: String, CodingKey {
        case everySeconds = "every_seconds"
    }
}

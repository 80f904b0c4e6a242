import Foundation
import HTMLExtraction

/// A crawl definition checked and compiled: every pattern and rule parsed, every default filled in.
/// Making one is how a definition is validated before it is saved.
public struct CrawlPlan: Sendable {
    public let definition: CrawlDefinition
    public let seeds: [URL]
    public let scope: CrawlScope
    public let maxDepth: Int
    public let maxPages: Int
    public let pageTypes: [CompiledPageType]
    public let minDelay: Duration
    public let timeout: Duration
    public let maxPageBytes: Int
    public let maxRedirects: Int
    /// Seconds east of UTC for page times without an offset.
    public let timeZoneOffset: Int
    public let labels: [String: String]

    public init(_ definition: CrawlDefinition) throws(CrawlDefinitionError) {
        self.definition = definition
        guard !definition.seeds.isEmpty else { throw CrawlDefinitionError("seeds: give at least one URL to start from") }
        var seeds: [URL] = []
        for seed in definition.seeds {
            guard let url = URLNormaliser.normalise(seed) else {
                throw CrawlDefinitionError("seeds: \(seed) is not an absolute http or https URL")
            }
            seeds.append(url)
        }
        self.seeds = seeds
        let hosts = definition.allowedHosts ?? seeds.compactMap(URLNormaliser.hostKey)
        guard !hosts.isEmpty else { throw CrawlDefinitionError("allowed_hosts: give at least one host") }
        scope = try CrawlScope(allowedHosts: hosts, include: definition.include ?? [], exclude: definition.exclude ?? [])
        for seed in seeds where !scope.contains(seed) {
            throw CrawlDefinitionError("seeds: \(seed.absoluteString) is outside the crawl's own scope (allowed_hosts, include, exclude)")
        }
        maxDepth = definition.maxDepth ?? 3
        maxPages = definition.maxPages ?? 1_000
        guard (0...100).contains(maxDepth) else { throw CrawlDefinitionError("max_depth must be from 0 to 100") }
        guard (1...1_000_000).contains(maxPages) else { throw CrawlDefinitionError("max_pages must be from 1 to 1,000,000") }
        guard !definition.pageTypes.isEmpty else {
            throw CrawlDefinitionError("page_types: give at least one, with the fields to take from its pages")
        }
        var types: [CompiledPageType] = []
        for (index, type) in definition.pageTypes.enumerated() {
            types.append(try CompiledPageType(type, index: index))
        }
        pageTypes = types
        let delay = definition.minDelaySeconds ?? 1
        guard delay.isFinite, (0...3_600).contains(delay) else { throw CrawlDefinitionError("min_delay_seconds must be from 0 to 3600") }
        minDelay = .milliseconds(Int64(delay * 1_000))
        let timeout = definition.timeoutSeconds ?? 20
        guard timeout.isFinite, (0.1...600).contains(timeout) else { throw CrawlDefinitionError("timeout_seconds must be from 0.1 to 600") }
        self.timeout = .milliseconds(Int64(timeout * 1_000))
        maxPageBytes = definition.maxPageBytes ?? 2 * 1_024 * 1_024
        guard (1_024...64 * 1_024 * 1_024).contains(maxPageBytes) else {
            throw CrawlDefinitionError("max_page_bytes must be from 1 KiB to 64 MiB")
        }
        maxRedirects = definition.maxRedirects ?? 5
        guard (0...20).contains(maxRedirects) else { throw CrawlDefinitionError("max_redirects must be from 0 to 20") }
        guard let offset = PageTime.offsetSeconds(definition.timeZone ?? "+08:00") else {
            throw CrawlDefinitionError("time_zone must be an offset such as +08:00 or Z, not \(definition.timeZone ?? "")")
        }
        timeZoneOffset = offset
        if let schedule = definition.schedule, !(schedule.everySeconds.isFinite && schedule.everySeconds >= 1) {
            throw CrawlDefinitionError("schedule.every_seconds must be at least 1")
        }
        labels = definition.labels ?? [:]
        for key in labels.keys where !["domain", "industry", "theme"].contains(key) {
            throw CrawlDefinitionError("labels: \(key) is not a label; use domain, industry or theme")
        }
    }

    /// The first page type whose URL pattern matches, if any.
    public func pageType(for url: URL) -> CompiledPageType? {
        pageTypes.first { $0.matches(url) }
    }
}

/// A page type ready to use.
public struct CompiledPageType: Sendable {
    public let name: String
    let urlPattern: URLPattern?
    public let template: RecordTemplate
    public let followLinks: Bool

    init(_ definition: PageTypeDefinition, index: Int) throws(CrawlDefinitionError) {
        let label = "page_types[\(index)] (\(definition.name))"
        guard !definition.name.isEmpty else { throw CrawlDefinitionError("page_types[\(index)]: give it a name") }
        name = definition.name
        do {
            urlPattern = try definition.urlPattern.map { pattern throws(URLPatternError) in try URLPattern(pattern) }
        } catch {
            throw CrawlDefinitionError("\(label).url_pattern: \(error.description)")
        }
        guard !definition.fields.isEmpty else { throw CrawlDefinitionError("\(label).fields: give at least one field rule") }
        var fields: [(String, CompiledRule)] = []
        for (name, rule) in definition.fields.sorted(by: { $0.key < $1.key }) {
            do {
                fields.append((name, try rule.compiled()))
            } catch {
                throw CrawlDefinitionError("\(label).fields.\(name): \(error.description)")
            }
        }
        let record: CompiledRule?
        do {
            record = try definition.record?.compiled()
        } catch {
            throw CrawlDefinitionError("\(label).record: \(error.description)")
        }
        template = RecordTemplate(record: record, fields: fields)
        followLinks = definition.followLinks ?? true
    }

    func matches(_ url: URL) -> Bool {
        urlPattern?.matches(url.absoluteString) ?? true
    }
}

/// A crawl definition that cannot be used, and why, naming the field.
public struct CrawlDefinitionError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

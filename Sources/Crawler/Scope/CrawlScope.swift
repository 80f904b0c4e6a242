import Foundation

/// Which URLs a crawl may fetch: http(s) on an allowed host, matching an include pattern when
/// there are any, and no exclude pattern. Redirect targets are checked against it too.
public struct CrawlScope: Sendable {
    public let allowedHosts: Set<String>
    let include: [URLPattern]
    let exclude: [URLPattern]

    public init(allowedHosts: [String], include: [String], exclude: [String]) throws(CrawlDefinitionError) {
        var hosts = Set<String>()
        for host in allowedHosts {
            var key = host.trimmingCharacters(in: .whitespaces).lowercased()
            guard !key.isEmpty, !key.contains("/") else {
                throw CrawlDefinitionError("allowed_hosts: \(host) is not a host name (write news.example.cn or 127.0.0.1:8080)")
            }
            if let colon = key.lastIndex(of: ":"), ["80", "443"].contains(key[key.index(after: colon)...]) { key = String(key[..<colon]) }
            hosts.insert(key)
        }
        self.allowedHosts = hosts
        do {
            self.include = try include.map { pattern throws(URLPatternError) in try URLPattern(pattern) }
            self.exclude = try exclude.map { pattern throws(URLPatternError) in try URLPattern(pattern) }
        } catch {
            throw CrawlDefinitionError("include/exclude: \(error.description)")
        }
    }

    public func contains(_ url: URL) -> Bool {
        guard let host = URLNormaliser.hostKey(url), allowedHosts.contains(host) else { return false }
        let text = url.absoluteString
        if !include.isEmpty, !include.contains(where: { $0.matches(text) }) { return false }
        return !exclude.contains { $0.matches(text) }
    }
}

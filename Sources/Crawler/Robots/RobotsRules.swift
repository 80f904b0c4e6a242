import Foundation

/// The rules of robots.txt that apply to one crawler on one host.
public struct RobotsRules: Sendable {
    let rules: [RobotsRule]
    /// `Crawl-delay` in seconds, when the group gives one.
    public let crawlDelay: Double?

    /// Everything allowed, no delay: a host without robots.txt (404, or any 4xx but 429).
    public static let allowAll = RobotsRules(rules: [], crawlDelay: nil)
    /// Nothing allowed: a host whose robots.txt could not be read (5xx, 429, a network failure),
    /// for which RFC 9309 says to assume complete disallow.
    public static let disallowAll = RobotsRules(rules: [RobotsRule(allow: false, pattern: "/")], crawlDelay: nil)

    /// Whether `url` may be fetched: the longest matching pattern decides, and on a tie `Allow`
    /// wins; no match allows. `/robots.txt` itself is always allowed.
    public func allows(_ url: URL) -> Bool {
        allows(pathAndQuery: Self.pathAndQuery(url))
    }

    /// The same for a path with its query, as sent in the request line (`/a/b?c=d`).
    public func allows(pathAndQuery: String) -> Bool {
        if pathAndQuery == "/robots.txt" { return true }
        let path = RobotsPattern.normalise(pathAndQuery)
        var best = -1
        var allowed = true
        for rule in rules {
            var length = -1
            if rule.pattern.matches(path) {
                length = rule.pattern.length
            } else if let directory = rule.directoryPattern, directory.matches(path) {
                length = directory.length
            }
            guard length >= 0 else { continue }
            if length > best || (length == best && rule.allow) {
                best = length
                allowed = rule.allow
            }
        }
        return allowed
    }

    /// The path and query of `url`, percent-encoded as sent, `/` when the path is empty.
    public static func pathAndQuery(_ url: URL) -> String {
        guard let components = URLComponents(url: url, resolvingAgainstBaseURL: true) else { return url.path.isEmpty ? "/" : url.path }
        var result = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        if let query = components.percentEncodedQuery { result += "?" + query }
        return result
    }
}

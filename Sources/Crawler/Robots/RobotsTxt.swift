import Foundation

/// A parsed robots.txt (RFC 9309, with Google's reading of it, and `Crawl-delay`):
/// groups of `User-agent` lines with the `Allow`/`Disallow` rules and `Crawl-delay` that follow
/// them, and the `Sitemap` lines anywhere.
///
/// Lines are `key: value`, `#` starts a comment, keys are case-insensitive and the common
/// misspellings Google accepts (`useragent`, `dissallow`, …) are accepted too. Consecutive
/// `User-agent` lines share a group; a `User-agent` line after rules starts a new one; blank lines
/// do not end groups; rules before the first `User-agent` line belong to no group and are ignored.
/// Only the first 500 KiB are read, as Google does.
public struct RobotsTxt: Sendable {
    /// One group: the product tokens it names (lower-cased, `*` for every crawler) and its rules.
    struct Group: Sendable {
        var agents: [String] = []
        var rules: [RobotsRule] = []
        var crawlDelay: Double?
    }

    /// Bytes of a robots.txt that are read; the rest is ignored.
    public static let maximumBytes = 500 * 1_024

    private(set) var groups: [Group] = []
    /// `Sitemap` URLs, as written.
    public private(set) var sitemaps: [String] = []

    public init(_ text: String) {
        self.init(bytes: Array(text.utf8))
    }

    public init(bytes: [UInt8]) {
        var content = bytes.prefix(Self.maximumBytes)
        if content.starts(with: [0xEF, 0xBB, 0xBF]) { content = content.dropFirst(3) }
        let text = String(decoding: content, as: UTF8.self)
        var current: Group?
        var lastWasAgent = false
        for rawLine in text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) {
            guard let (key, value) = Self.keyValue(String(rawLine)) else { continue }
            switch Self.directive(key) {
            case .userAgent:
                if !lastWasAgent {
                    if let current { groups.append(current) }
                    current = Group()
                }
                current?.agents.append(Self.productToken(value))
                lastWasAgent = true
            case .allow:
                lastWasAgent = false
                // An empty Allow or Disallow says nothing.
                if !value.isEmpty { current?.rules.append(RobotsRule(allow: true, pattern: value)) }
            case .disallow:
                lastWasAgent = false
                if !value.isEmpty { current?.rules.append(RobotsRule(allow: false, pattern: value)) }
            case .crawlDelay:
                lastWasAgent = false
                if let seconds = Double(value), seconds.isFinite, seconds >= 0 {
                    let previous = current?.crawlDelay ?? 0
                    current?.crawlDelay = max(previous, seconds)
                }
            case .sitemap:
                sitemaps.append(value)
            case .other:
                // Unknown lines (Host, Clean-param, …) neither end a group nor start one.
                continue
            }
        }
        if let current { groups.append(current) }
    }

    /// What applies to the crawler whose product token is `productToken` (e.g. `Shikong-crawler`):
    /// the groups that name it, combined; if none does, the `*` groups, combined; if there are
    /// none, nothing (everything allowed, no delay).
    public func rules(for productToken: String) -> RobotsRules {
        let token = productToken.lowercased()
        let named = groups.filter { $0.agents.contains(token) }
        let chosen = named.isEmpty ? groups.filter { $0.agents.contains("*") } : named
        return RobotsRules(
            rules: chosen.flatMap(\.rules),
            crawlDelay: chosen.compactMap(\.crawlDelay).max())
    }

    enum Directive { case userAgent, allow, disallow, crawlDelay, sitemap, other }

    static func directive(_ key: String) -> Directive {
        switch key.lowercased() {
        case "user-agent", "useragent", "user agent", "user_agent": .userAgent
        case "allow": .allow
        case "disallow", "dissallow", "dissalow", "disalow", "diasllow", "disallaw": .disallow
        case "crawl-delay", "crawldelay", "crawl delay", "crawl_delay": .crawlDelay
        case "sitemap", "site-map": .sitemap
        default: .other
        }
    }

    /// `key: value` with the comment removed and both sides trimmed. Like Google, a line with no
    /// colon but exactly two words (`Disallow /x`) reads as key and value.
    static func keyValue(_ line: String) -> (String, String)? {
        var content = Substring(line)
        if let hash = content.firstIndex(of: "#") { content = content[..<hash] }
        let trimmed = content.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return nil }
        if let colon = trimmed.firstIndex(of: ":") {
            let key = trimmed[..<colon].trimmingCharacters(in: .whitespaces)
            let value = trimmed[trimmed.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            return key.isEmpty ? nil : (key, value)
        }
        let words = trimmed.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard words.count == 2 else { return nil }
        return (String(words[0]), String(words[1]))
    }

    /// The product token a `User-agent` value names: its leading letters, `-` and `_`
    /// (`Googlebot/2.1 (+http://…)` names `googlebot`), lower-cased; `*` for every crawler.
    static func productToken(_ value: String) -> String {
        if value.hasPrefix("*") { return "*" }
        let token = value.prefix { $0.isASCII && ($0.isLetter || $0 == "-" || $0 == "_") }
        return token.lowercased()
    }
}

/// One `Allow` or `Disallow` line.
struct RobotsRule: Sendable, Hashable {
    var allow: Bool
    var pattern: RobotsPattern
    /// Google reads `Allow: /dir/index.html` as allowing `/dir/` too.
    var directoryPattern: RobotsPattern?

    init(allow: Bool, pattern: String) {
        self.allow = allow
        self.pattern = RobotsPattern(pattern)
        if allow, let slash = pattern.lastIndex(of: "/"), ["index.htm", "index.html"].contains(pattern[pattern.index(after: slash)...]) {
            directoryPattern = RobotsPattern(String(pattern[...slash]) + "$")
        }
    }
}

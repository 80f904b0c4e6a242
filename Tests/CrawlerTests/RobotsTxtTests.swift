import Crawler
import Foundation
import Testing

/// robots.txt read as Google's parser and RFC 9309 read it — the examples of Google's robots.txt
/// specification and of its reference parser's tests — plus `Crawl-delay`, which Google ignores
/// and this crawler honours.
@Suite("robots.txt")
struct RobotsTxtTests {
    func allowed(_ robots: String, _ path: String, agent: String = "Shikong-crawler") -> Bool {
        RobotsTxt(robots).rules(for: agent).allows(pathAndQuery: path)
    }

    @Test(
        "path matching: the examples of Google's specification",
        arguments: [
            // pattern, path, matches
            ("/", "/anything", true),
            ("/*", "/anything", true),
            ("/fish", "/fish", true), ("/fish", "/fish.html", true), ("/fish", "/fish/salmon.html", true), ("/fish", "/fishheads", true),
            ("/fish", "/fishheads/yummy.html", true), ("/fish", "/fish.php?id=anything", true),
            ("/fish", "/Fish.asp", false), ("/fish", "/catfish", false), ("/fish", "/?id=fish", false), ("/fish", "/desert/fish", false),
            ("/fish*", "/fish", true), ("/fish*", "/fish.html", true), ("/fish*", "/fishheads/yummy.html", true),
            ("/fish*", "/Fish.asp", false), ("/fish*", "/catfish", false),
            ("/fish/", "/fish/", true), ("/fish/", "/fish/?id=anything", true), ("/fish/", "/fish/salmon.htm", true),
            ("/fish/", "/fish", false), ("/fish/", "/fish.html", false), ("/fish/", "/animals/fish/", false), ("/fish/", "/Fish/Salmon.asp", false),
            ("/*.php", "/index.php", true), ("/*.php", "/filename.php", true), ("/*.php", "/folder/filename.php", true),
            ("/*.php", "/folder/filename.php?parameters", true), ("/*.php", "/folder/any.php.file.html", true), ("/*.php", "/filename.php/", true),
            ("/*.php", "/", false), ("/*.php", "/windows.PHP", false),
            ("/*.php$", "/filename.php", true), ("/*.php$", "/folder/filename.php", true),
            ("/*.php$", "/filename.php?parameters", false), ("/*.php$", "/filename.php/", false), ("/*.php$", "/filename.php5", false),
            ("/*.php$", "/windows.PHP", false),
            ("/fish*.php", "/fish.php", true), ("/fish*.php", "/fishheads/catfish.php?parameters", true), ("/fish*.php", "/Fish.PHP", false),
        ])
    func pathMatching(pattern: String, path: String, matches: Bool) {
        #expect(allowed("user-agent: *\ndisallow: \(pattern)", path) == !matches, "\(pattern) on \(path)")
    }

    @Test(
        "precedence: the longest match wins, a tie goes to allow (Google's examples)",
        arguments: [
            ("allow: /p\ndisallow: /", "/page", true),
            ("allow: /folder\ndisallow: /folder", "/folder/page", true),
            ("allow: /page\ndisallow: /*.htm", "/page.htm", false),
            ("allow: /page\ndisallow: /*.ph", "/page.php5", true),
            ("allow: /$\ndisallow: /", "/", true),
            ("allow: /$\ndisallow: /", "/page.htm", false),
            ("disallow: /\nallow: /", "/page", true),
            ("allow: /\ndisallow: /cgi-bin", "/cgi-bin/run", false),
        ])
    func precedence(rules: String, path: String, allowed expected: Bool) {
        #expect(allowed("user-agent: *\n" + rules, path) == expected, "\(rules) on \(path)")
    }

    @Test("groups: the most specific user agent only, groups for one agent merged, * otherwise, rules outside groups ignored")
    func groups() {
        // From Google's parser tests (ID_LineSyntax_Groups): blank lines do not end a group, and a
        // user-agent line after rules starts a new one.
        let robots = """
            allow: /foo/bar/

            user-agent: FooBot
            disallow: /
            allow: /x/
            user-agent: BarBot
            disallow: /
            allow: /y/


            allow: /w/
            user-agent: BazBot

            user-agent: FooBot
            allow: /z/
            disallow: /
            """
        #expect(allowed(robots, "/x/b", agent: "FooBot"))
        #expect(allowed(robots, "/z/d", agent: "FooBot"))
        #expect(!allowed(robots, "/y/c", agent: "FooBot"))
        #expect(!allowed(robots, "/foo/bar/", agent: "FooBot"))
        #expect(allowed(robots, "/y/c", agent: "BarBot"))
        #expect(allowed(robots, "/w/a", agent: "BarBot"))
        #expect(!allowed(robots, "/z/d", agent: "BarBot"))
        #expect(allowed(robots, "/z/d", agent: "BazBot"))
        // No group names it and there is no * group: everything allowed.
        #expect(allowed(robots, "/foo/bar/", agent: "QuxBot"))

        let specific = "user-agent: *\ndisallow: /\n\nuser-agent: Shikong-crawler\ndisallow: /private\n"
        #expect(allowed(specific, "/public"))
        #expect(!allowed(specific, "/private/x"))
        #expect(!allowed(specific, "/public", agent: "OtherBot"))
        // The product token is matched case-insensitively and up to the first character that
        // cannot be in one (Google: "Googlebot/2.1" names googlebot).
        #expect(!allowed("User-Agent: shikong-CRAWLER/1.0 (+http://x)\nDisallow: /a", "/a"))
        #expect(allowed("User-Agent: Shikong\nDisallow: /a", "/a"))
    }

    @Test("syntax: comments, case, misspellings, missing colons, CR/LF endings, a byte-order mark, empty rules")
    func syntax() {
        #expect(!allowed("\u{FEFF}USER-AGENT: *\r\nDISALLOW: /x # comment\r\n", "/x/1"))
        #expect(allowed("user-agent: *\ndisallow: /x # comment\n", "/y"))
        #expect(!allowed("useragent: *\ndissallow: /x", "/x"))
        #expect(!allowed("user-agent *\ndisallow /x", "/x"))
        #expect(allowed("user-agent: *\ndisallow:\n", "/anything"))
        #expect(allowed("user-agent: *\ndisallow: /\n", "/robots.txt"))
        #expect(!allowed("user-agent: *\rdisallow: /x\r", "/x"))
        let robots = RobotsTxt("Sitemap: https://example.cn/sitemap.xml\nuser-agent: *\nallow: /\nsitemap: https://example.cn/news.xml")
        #expect(robots.sitemaps == ["https://example.cn/sitemap.xml", "https://example.cn/news.xml"])
    }

    @Test("percent-encoding: a pattern with raw Chinese characters matches the encoded URL, hex case does not matter")
    func encoding() {
        #expect(!allowed("user-agent: *\ndisallow: /新闻/", "/%E6%96%B0%E9%97%BB/1.html"))
        #expect(!allowed("user-agent: *\ndisallow: /%e6%96%b0", "/%E6%96%B0%E9%97%BB/"))
        #expect(allowed("user-agent: *\ndisallow: /新闻/", "/%E6%97%A7/"))
        #expect(RobotsRules.pathAndQuery(URL(string: "http://a.cn")!) == "/")
        #expect(RobotsRules.pathAndQuery(URL(string: "http://a.cn/x%20y?q=1#f")!) == "/x%20y?q=1")
    }

    @Test("Google reads Allow: /dir/index.html as allowing /dir/ too")
    func indexHTML() {
        #expect(allowed("user-agent: *\ndisallow: /\nallow: /allowed-slash/index.html", "/allowed-slash/"))
        #expect(!allowed("user-agent: *\ndisallow: /\nallow: /allowed-slash/index.html", "/allowed-slash/other"))
    }

    @Test("Crawl-delay: read per group, decimals allowed, the larger one when groups merge, nonsense ignored")
    func crawlDelay() {
        #expect(RobotsTxt("user-agent: *\ncrawl-delay: 2\n").rules(for: "Shikong-crawler").crawlDelay == 2)
        #expect(RobotsTxt("user-agent: *\nCrawl-Delay: 0.5\n").rules(for: "Shikong-crawler").crawlDelay == 0.5)
        let merged = "user-agent: Shikong-crawler\ncrawl-delay: 1\n\nuser-agent: other\ncrawl-delay: 9\n\nuser-agent: shikong-crawler\ncrawl-delay: 3"
        #expect(RobotsTxt(merged).rules(for: "Shikong-crawler").crawlDelay == 3)
        #expect(RobotsTxt("user-agent: *\ncrawl-delay: soon\n").rules(for: "Shikong-crawler").crawlDelay == nil)
        #expect(RobotsTxt("user-agent: *\ncrawl-delay: -1\n").rules(for: "Shikong-crawler").crawlDelay == nil)
        #expect(RobotsTxt("user-agent: other\ncrawl-delay: 5\n").rules(for: "Shikong-crawler").crawlDelay == nil)
    }

    @Test("a hostile pattern stays cheap: no backtracking blow-up")
    func hostilePattern() {
        let pattern = "/" + String(repeating: "*a", count: 200) + "b"
        let path = "/" + String(repeating: "a", count: 2_000)
        #expect(allowed("user-agent: *\ndisallow: \(pattern)", path))
        #expect(!allowed("user-agent: *\ndisallow: \(pattern)", path + "b"))
    }
}

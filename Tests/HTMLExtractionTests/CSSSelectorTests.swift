import HTMLExtraction
import Testing

/// CSS selectors translated to XPath select what a browser's `querySelectorAll` would.
@Suite("CSS selectors")
struct CSSSelectorTests {
    static let page = """
        <html><body>
        <div id="a" class="box first" data-kind="news-item" lang="zh-CN">
          <p class="x">p1</p><p>p2</p><span>s1</span><p class="x y">p3</p>
        </div>
        <div class="box"><p>p4</p><p>p5</p><em></em></div>
        <ul><li>l1</li><li>l2</li><li>l3</li><li>l4</li><li>l5</li></ul>
        <a href="https://x.example/doc.pdf" title="it's &quot;quoted&quot;">pdf</a><a href="/local.html">local</a>
        </body></html>
        """

    func select(_ selector: String) throws -> [String] {
        let document = try HTMLDocument(bytes: Array(Self.page.utf8))
        return try document.evaluate(try CSSSelector(selector).xpath).nodes.map { $0.text.isEmpty ? "<\($0.name)>" : $0.text }
    }

    @Test(
        "selectors select as browsers do",
        arguments: [
            ("p", ["p1", "p2", "p3", "p4", "p5"]),
            ("#a > p.x", ["p1", "p3"]),
            (".x.y", ["p3"]),
            ("div.box p:first-child", ["p1", "p4"]),
            ("div p:last-of-type", ["p3", "p5"]),
            ("li:nth-child(2n+1)", ["l1", "l3", "l5"]),
            ("li:nth-child(even)", ["l2", "l4"]),
            ("li:nth-child(-n+2)", ["l1", "l2"]),
            ("li:nth-last-child(1)", ["l5"]),
            ("p + span", ["s1"]),
            ("span ~ p", ["p3"]),
            ("[data-kind~=item]", []),
            ("[data-kind^=news]", ["p1\np2\ns1\np3"]),
            ("[lang|=zh]", ["p1\np2\ns1\np3"]),
            ("a[href$='.pdf']", ["pdf"]),
            ("a[href*=local]", ["local"]),
            ("a[title=\"it's \\\"quoted\\\"\"]", ["pdf"]),
            ("p:not(.x)", ["p2", "p4", "p5"]),
            ("em:empty", ["<em>"]),
            ("p:contains('p4'), span", ["s1", "p4"]),
            ("DIV#a > SPAN", ["s1"]),
        ])
    func selects(selector: String, expected: [String]) throws {
        let xpath = try CSSSelector(selector).xpath
        #expect(try select(selector) == expected, "\(selector) → \(xpath)")
    }

    @Test("mistakes name their place")
    func mistakes() {
        for (selector, position) in [("p >", 3), ("p..x", 2), ("[=x]", 1), ("p:nth-child(x)", 14), ("*:first-of-type", 15)] {
            do {
                _ = try CSSSelector(selector)
                Issue.record("\(selector) was accepted")
            } catch {
                #expect(error.position == position, "\(selector): \(error)")
            }
        }
    }
}

import Foundation
import HTMLExtraction
import Testing

/// Pages parsed by libxml2 and fields taken out by CSS selectors and XPath.
@Suite("HTML extraction")
struct ExtractionTests {
    static let notice = """
        <!DOCTYPE html>
        <html><head><meta charset="utf-8"><title>通知</title>
        <meta name="pubdate" content="2026-11-20 09:30">
        <script>var address = "不要读我";</script><style>.a { color: red }</style></head>
        <body>
          <div id="main" class="article  notice">
            <h1 class="title">洪山区道路施工通告</h1>
            <p class="meta">发布时间：<time datetime="2026-11-20T09:30:00+08:00">2026年11月20日 09:30</time></p>
            <div class="content"><p>因管网改造，<b>珞喻路</b>部分路段封闭。</p><p>地址：<span class="addr">武汉市洪山区珞喻路1037号</span></p>
            <script>document.write("x")</script></div>
            <ul class="related"><li><a href="/a.html">甲</a></li><li><a href="b.html">乙</a></li><li><a href="http://other.example/c">丙</a></li></ul>
          </div>
        <p>unclosed <div>broken &nbsp; markup
        </body></html>
        """

    @Test("a page is one record: title, text without scripts, an attribute, a meta tag, all matches joined")
    func oneRecord() throws {
        let document = try HTMLDocument(bytes: Array(Self.notice.utf8), url: "http://127.0.0.1/notice.html")
        let template = RecordTemplate(
            record: nil,
            fields: [
                ("title", try ExtractionRule(css: "h1.title").compiled()),
                ("text", try ExtractionRule(css: "#main .content").compiled()),
                ("time", try ExtractionRule(css: "p.meta time", attribute: "datetime").compiled()),
                ("published", try ExtractionRule(xpath: "//meta[@name='pubdate']/@content").compiled()),
                ("address", try ExtractionRule(xpath: "normalize-space(//span[@class='addr'])").compiled()),
                ("related", try ExtractionRule(css: "ul.related > li a", all: true).compiled()),
                ("missing", try ExtractionRule(css: "div.nothing").compiled()),
            ])
        let records = try template.records(in: document)
        #expect(records.count == 1)
        let record = try #require(records.first)
        #expect(record["title"] == "洪山区道路施工通告")
        #expect(record["text"] == "因管网改造，珞喻路部分路段封闭。\n地址：武汉市洪山区珞喻路1037号")
        #expect(record["time"] == "2026-11-20T09:30:00+08:00")
        #expect(record["published"] == "2026-11-20 09:30")
        #expect(record["address"] == "武汉市洪山区珞喻路1037号")
        #expect(record["related"] == "甲\n乙\n丙")
        #expect(record["missing"] == nil)
        #expect(document.linkTargets == ["/a.html", "b.html", "http://other.example/c"])
    }

    @Test("a list page gives one record per matched element, fields relative to it")
    func listRecords() throws {
        let page = """
            <html><body><table id="events">
            <tr><th>名称</th><th>地点</th></tr>
            <tr class="event"><td class="name">灯光秀</td><td class="place">江汉区江汉路步行街</td></tr>
            <tr class="event"><td class="name">马拉松</td><td class="place">武昌区八一路299号</td></tr>
            <tr class="event"><td class="name">无地点</td></tr>
            </table></body></html>
            """
        let document = try HTMLDocument(bytes: Array(page.utf8))
        let template = RecordTemplate(
            record: try ExtractionRule(css: "#events tr.event").compiled(),
            fields: [("title", try ExtractionRule(css: "td.name").compiled()), ("place", try ExtractionRule(xpath: ".//td[2]").compiled())])
        let records = try template.records(in: document)
        #expect(records.map { $0["title"] } == ["灯光秀", "马拉松", "无地点"])
        #expect(records.map { $0["place"] } == ["江汉区江汉路步行街", "武昌区八一路299号", nil])
    }

    @Test("a GBK page declared GB2312, in the header or in <meta>, reads as Chinese")
    func gbkPage() throws {
        // The page as a GBK server sends it (written with Python's "gbk" codec).
        let bytes: [UInt8] = [
            0x3C, 0x68, 0x74, 0x6D, 0x6C, 0x3E, 0x3C, 0x68, 0x65, 0x61, 0x64, 0x3E, 0x3C, 0x6D, 0x65, 0x74, 0x61, 0x20, 0x68, 0x74, 0x74, 0x70, 0x2D,
            0x65, 0x71, 0x75, 0x69, 0x76, 0x3D, 0x22, 0x43, 0x6F, 0x6E, 0x74, 0x65, 0x6E, 0x74, 0x2D, 0x54, 0x79, 0x70, 0x65, 0x22, 0x20, 0x63, 0x6F,
            0x6E, 0x74, 0x65, 0x6E, 0x74, 0x3D, 0x22, 0x74, 0x65, 0x78, 0x74, 0x2F, 0x68, 0x74, 0x6D, 0x6C, 0x3B, 0x20, 0x63, 0x68, 0x61, 0x72, 0x73,
            0x65, 0x74, 0x3D, 0x67, 0x62, 0x32, 0x33, 0x31, 0x32, 0x22, 0x3E, 0x3C, 0x2F, 0x68, 0x65, 0x61, 0x64, 0x3E, 0x3C, 0x62, 0x6F, 0x64, 0x79,
            0x3E, 0x3C, 0x68, 0x31, 0x3E, 0xCE, 0xE4, 0xBA, 0xBA, 0xCA, 0xD0, 0xBD, 0xAD, 0xB0, 0xB6, 0xC7, 0xF8, 0x3C, 0x2F, 0x68, 0x31, 0x3E, 0x3C,
            0x70, 0x3E, 0xE9, 0x46, 0x3C, 0x2F, 0x70, 0x3E, 0x3C, 0x2F, 0x62, 0x6F, 0x64, 0x79, 0x3E, 0x3C, 0x2F, 0x68, 0x74, 0x6D, 0x6C, 0x3E,
        ]
        for declared in ["gb2312", nil] {
            let document = try HTMLDocument(bytes: bytes, encoding: declared)
            #expect(try ExtractionRule(css: "h1").compiled().value(in: document) == "武汉市江岸区")
            // 镕 is in GBK but not in GB2312: read as GB18030 it survives.
            #expect(try ExtractionRule(css: "p").compiled().value(in: document) == "镕")
        }
    }

    @Test("pages that are not HTML at all are refused with a reason")
    func unparseable() {
        #expect(throws: HTMLParseError.self) { try HTMLDocument(bytes: []) }
        #expect(throws: HTMLParseError.self) { try HTMLDocument(bytes: [0, 0, 0, 0]) }
    }

    @Test("broken rules are refused when they are written, with what is wrong")
    func brokenRules() {
        for (rule, phrase) in [
            (ExtractionRule(xpath: "//div[@class='a'"), "XPath"),
            (ExtractionRule(css: "div >"), "expected a selector"),
            (ExtractionRule(css: "a:hover"), ":hover"),
            (ExtractionRule(css: "div[data-x"), "expected"),
            (ExtractionRule(), "needs"),
            (ExtractionRule(css: "a", xpath: "//a"), "not both"),
            (ExtractionRule(css: "a", attribute: "two words"), "attribute"),
        ] {
            do {
                _ = try rule.compiled()
                Issue.record("\(rule) was accepted")
            } catch {
                #expect(error.description.contains(phrase), "\(rule): \(error)")
            }
        }
    }
}

import Foundation
import Hummingbird
import ShikongTesting
import Synchronization

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A small news site on loopback for crawl tests: a robots.txt that disallows `/private/` and sets
/// `Crawl-delay: 1`, an index linking in and out of scope, notice pages with Chinese addresses
/// (one of which changes when `edition` is raised), a redirect, a page that answers 500; every page
/// with an ETag and `304 Not Modified` to a matching `If-None-Match`. Every request is logged with
/// the time it arrived and the status it got. It also serves `/api/notices.json` (items for an API
/// poll; `brokenAPI` makes it answer half a JSON document).
final class CrawlFixtureSite: Sendable {
    struct Request: Sendable {
        var path: String
        var status: Int
        var arrived: ContinuousClock.Instant
        var userAgent: String
    }

    let port = freePort()
    private let log = Mutex<[Request]>([])
    private let task = Mutex<Task<Void, any Error>?>(nil)
    /// Raised between runs: `/notices/2.html` says something else.
    let edition = Atomic<Int>(1)
    let brokenAPI = Atomic<Bool>(false)

    var base: String { "http://127.0.0.1:\(port)" }
    var requests: [Request] { log.withLock { $0 } }

    static let robots = "User-agent: *\nDisallow: /private/\nCrawl-delay: 1\n"

    func page(_ path: String) -> String? {
        func notice(_ title: String, _ address: String, _ time: String, _ text: String) -> String {
            """
            <!DOCTYPE html><html><head><meta charset="utf-8"><title>\(title)</title></head><body>
            <h1>\(title)</h1><time datetime="\(time)">\(time)</time>
            <p class="address">\(address)</p><div class="content"><p>\(text)</p></div>
            <a href="/">首页</a></body></html>
            """
        }
        switch path {
        case "/":
            return """
                <!DOCTYPE html><html><head><meta charset="utf-8"><title>通知公告</title></head><body><ul>
                <li><a href="/notices/1.html">黄鹤楼景区通知</a></li>
                <li><a href="notices/2.html#top">江汉路通知</a></li>
                <li><a href="/old.html">旧链接</a></li>
                <li><a href="/broken.html">故障页</a></li>
                <li><a href="/private/secret.html">内部</a></li>
                <li><a href="http://elsewhere.invalid/out.html">外站</a></li>
                </ul></body></html>
                """
        case "/notices/1.html":
            return notice("黄鹤楼景区开放时间调整", "武汉市武昌区蛇山西山坡特1号 黄鹤楼", "2026-11-20T09:30:00+08:00", "黄鹤楼景区冬季开放时间调整。")
        case "/notices/2.html":
            return edition.load(ordering: .relaxed) == 1
                ? notice("江汉路步行街灯光秀", "武汉市江汉区江汉路步行街", "2026-11-21T19:00:00+08:00", "灯光秀今晚举行。")
                : notice("江汉路步行街灯光秀延期", "武汉市江汉区江汉路步行街", "2026-11-22T19:00:00+08:00", "灯光秀延期至周末。")
        case "/notices/3.html":
            return notice("武汉大学樱花预约", "湖北省武汉市武昌区八一路299号", "2026-11-19T08:00:00+08:00", "樱花季预约开放。")
        case "/private/secret.html":
            return notice("内部", "武汉市洪山区珞喻路1037号", "2026-11-19T08:00:00+08:00", "不应被抓取。")
        default:
            return nil
        }
    }

    private func answer(_ path: String, _ request: Hummingbird.Request) -> Response {
        let status: HTTPResponse.Status
        var headers: HTTPFields = [:]
        var body = ""
        switch path {
        case "/robots.txt":
            status = .ok
            headers[.contentType] = "text/plain"
            body = Self.robots
        case "/old.html":
            status = .found
            headers[.location] = "/notices/3.html"
        case "/broken.html":
            status = .internalServerError
            body = "boom"
        case "/api/notices.json":
            status = .ok
            headers[.contentType] = "application/json"
            body =
                brokenAPI.load(ordering: .relaxed)
                ? #"{"data": {"notices": [{"code": "n9", "addr": "武汉市江汉区"#
                : #"{"data": {"notices": [{"code": "n1", "addr": "湖北省武汉市武昌区八一路299号", "title": "樱花", "at": "2026-11-19 08:00"}, {"code": "n2", "addr": "武汉市江汉区江汉路步行街", "title": "灯光秀", "at": "2026-11-21 19:00"}, {"code": "n3", "title": "无地址"}]}}"#
        default:
            if let html = page(path) {
                let etag = "\"\(html.utf8.reduce(UInt64(14_695_981_039_346_656_037)) { ($0 ^ UInt64($1)) &* 1_099_511_628_211 })\""
                headers[.eTag] = etag
                if request.headers[.ifNoneMatch] == etag {
                    status = .notModified
                } else {
                    status = .ok
                    headers[.contentType] = "text/html; charset=utf-8"
                    body = html
                }
            } else {
                status = .notFound
            }
        }
        log.withLock {
            $0.append(Request(path: path, status: Int(status.code), arrived: .now, userAgent: request.headers[.userAgent] ?? ""))
        }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }

    static func start() async throws -> CrawlFixtureSite {
        let site = CrawlFixtureSite()
        let router = Router()
        for path in [
            "/robots.txt", "/", "/notices/1.html", "/notices/2.html", "/notices/3.html", "/old.html", "/broken.html", "/private/secret.html",
            "/api/notices.json",
        ] {
            router.get(RouterPath(path)) { request, _ in site.answer(path, request) }
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: site.port)))
        site.task.withLock { $0 = Task { try await app.runService() } }
        for _ in 0..<50 {
            if (try? await URLSession.shared.data(from: URL(string: "\(site.base)/robots.txt")!)) != nil { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        site.log.withLock { $0.removeAll() }
        return site
    }

    func stop() {
        task.withLock { $0?.cancel() }
    }
}

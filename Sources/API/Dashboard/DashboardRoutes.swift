import Hummingbird

/// The web dashboard: `/map` (and `/` for a browser asking for HTML), its files under `/map/…`,
/// MapLibre GL JS under `/map/vendor/`, and empty glyph ranges under `/map/glyphs/` (the map draws
/// Chinese labels with the browser's own fonts; there is no glyph server offline).
struct DashboardRoutes: Sendable {
    let assets: DashboardAssets

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/map") { _, _ in assets.page() }
        router.get("/map/:file") { _, context in try file(try context.parameters.require("file")) }
        router.get("/map/js/:file") { _, context in try file("js/" + (try context.parameters.require("file"))) }
        router.get("/map/vendor/:file") { _, context in try file("vendor/" + (try context.parameters.require("file"))) }
        router.get("/map/glyphs/:fontstack/:range") { _, context in
            guard (try context.parameters.require("range")).hasSuffix(".pbf") else { throw Problem.notFound("glyph ranges end in .pbf") }
            return Response(status: .ok, headers: [.contentType: "application/x-protobuf"], body: ResponseBody(byteBuffer: ByteBuffer()))
        }
    }

    private func file(_ path: String) throws -> Response {
        guard let asset = assets.files[path] else {
            if path.hasPrefix("vendor/"), let missing = assets.missingMapLibre { throw Problem(.notFound, detail: missing) }
            throw Problem.notFound("the dashboard has no file \(path)")
        }
        return Response(
            status: .ok, headers: [.contentType: asset.contentType, .cacheControl: "no-cache"], body: ResponseBody(byteBuffer: asset.body))
    }

    /// Whether `/` should answer with the dashboard: `f=html`, or a browser that prefers HTML
    /// (its `Accept` names `text/html`) and did not ask for `f=json`.
    static func wantsHTML(_ request: Request) -> Bool {
        switch request.uri.queryParameters.get("f") {
        case "html": return true
        case .some: return false
        case nil: return request.headers[.accept]?.contains("text/html") ?? false
        }
    }
}

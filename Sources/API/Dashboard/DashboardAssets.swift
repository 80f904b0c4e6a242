import Foundation
import Hummingbird
import Logging

/// The dashboard's files, read once when the server starts and served from memory: nothing on disk
/// is reachable by a request path, only the files listed here.
struct DashboardAssets: Sendable {
    struct Asset: Sendable {
        var body: ByteBuffer
        var contentType: String
    }

    /// By path under `/map/`, e.g. `js/main.js`; MapLibre's under `vendor/`.
    let files: [String: Asset]
    /// Why MapLibre GL JS is missing, when it is.
    let missingMapLibre: String?

    init(_ configuration: DashboardConfiguration, logger: Logger) {
        var files: [String: Asset] = [:]
        let web = configuration.webDirectory.map { URL(fileURLWithPath: $0) } ?? Bundle.module.resourceURL?.appendingPathComponent("web")
        if let web, let walker = FileManager.default.enumerator(at: web, includingPropertiesForKeys: nil) {
            let prefix = web.standardizedFileURL.path + "/"
            for case let url as URL in walker {
                guard let data = try? Data(contentsOf: url), let type = Self.contentType(url.pathExtension) else { continue }
                let path = String(url.standardizedFileURL.path.dropFirst(prefix.count))
                files[path] = Asset(body: ByteBuffer(bytes: data), contentType: type)
            }
        }
        if files["index.html"] == nil { logger.error("dashboard files not found", metadata: ["folder": "\(web?.path ?? "none")"]) }
        var missing: String?
        if let folder = configuration.resolvedMapLibreDirectory() {
            for name in ["maplibre-gl.js", "maplibre-gl.css"] {
                guard let data = try? Data(contentsOf: folder.appendingPathComponent(name)) else {
                    missing = "\(name) is not in \(folder.path)"
                    continue
                }
                files["vendor/\(name)"] = Asset(body: ByteBuffer(bytes: data), contentType: Self.contentType((name as NSString).pathExtension)!)
            }
        } else {
            missing = "MapLibre GL JS was not found: run scripts/setup (it installs the PyPI package maplibre into .venv/) or pass --maplibre-dir"
        }
        if let missing { logger.warning("the dashboard has no map library", metadata: ["reason": "\(missing)"]) }
        self.files = files
        self.missingMapLibre = missing
    }

    static func contentType(_ fileExtension: String) -> String? {
        switch fileExtension {
        case "html": "text/html; charset=utf-8"
        case "js": "text/javascript; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "svg": "image/svg+xml"
        case "json": "application/json"
        case "png": "image/png"
        default: nil
        }
    }

    /// The dashboard's page.
    func page() -> Response {
        guard let index = files["index.html"] else {
            return Response(
                status: .serviceUnavailable, headers: [.contentType: "text/plain; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: "The dashboard's files are missing from this build.")))
        }
        return Response(
            status: .ok, headers: [.contentType: index.contentType, .cacheControl: "no-cache"], body: ResponseBody(byteBuffer: index.body))
    }
}

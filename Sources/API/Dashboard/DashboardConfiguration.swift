import Foundation

/// Where the dashboard's own files and MapLibre GL JS are read from. The dashboard's files ship
/// with the build (a resource of this module); MapLibre GL JS is never part of the repository: it
/// is served from where `scripts/setup` installed the PyPI package `maplibre` (its `srcjs`
/// folder, in `.venv/`), or from `--maplibre-dir` / `SHIKONG_MAPLIBRE_DIR`.
public struct DashboardConfiguration: Sendable {
    /// The folder holding `maplibre-gl.js` and `maplibre-gl.css`; nil: looked for in `.venv/`.
    public var mapLibreDirectory: String?
    /// The dashboard's own files; nil: the copy built into the program (`SHIKONG_DASHBOARD_DIR`
    /// points at a working copy while editing them).
    public var webDirectory: String?

    public init(mapLibreDirectory: String? = nil, webDirectory: String? = nil) {
        let environment = ProcessInfo.processInfo.environment
        self.mapLibreDirectory = mapLibreDirectory ?? environment["SHIKONG_MAPLIBRE_DIR"]
        self.webDirectory = webDirectory ?? environment["SHIKONG_DASHBOARD_DIR"]
    }

    /// The MapLibre folder: the one configured, else `maplibre/srcjs` in the site-packages of a
    /// `.venv` in the working directory or above the executable (a build under `.build/`).
    public func resolvedMapLibreDirectory() -> URL? {
        if let mapLibreDirectory { return URL(fileURLWithPath: mapLibreDirectory) }
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath()
        var roots = [URL(fileURLWithPath: FileManager.default.currentDirectoryPath)]
        var folder = executable.deletingLastPathComponent()
        for _ in 0..<4 {
            roots.append(folder)
            folder = folder.deletingLastPathComponent()
        }
        for root in roots {
            let lib = root.appendingPathComponent(".venv/lib")
            guard let pythons = try? FileManager.default.contentsOfDirectory(atPath: lib.path) else { continue }
            for python in pythons.sorted() where python.hasPrefix("python") {
                let candidate = lib.appendingPathComponent("\(python)/site-packages/maplibre/srcjs")
                if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("maplibre-gl.js").path) { return candidate }
            }
        }
        return nil
    }
}

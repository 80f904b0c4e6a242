import CGDAL

/// Where GDAL should look for a file: zips are opened through `/vsizip/`, at the folder that holds their
/// shapefiles or at their one GIS file.
enum SourcePath {
    static let knownExtensions = [".shp", ".gpkg", ".geojson", ".json", ".geojsonl", ".geojsons", ".gml", ".kml", ".csv", ".fgb", ".tab", ".mif"]

    static func gdalPath(for path: String) -> String {
        let lower = path.lowercased()
        guard lower.hasSuffix(".zip"), !lower.hasPrefix("/vsi") else { return path }
        let root = "/vsizip/" + path
        guard let list = VSIReadDirRecursive(root) else { return root }
        defer { CSLDestroy(list) }
        var entries: [String] = []
        var cursor = list
        while let entry = cursor.pointee {
            entries.append(String(cString: entry))
            cursor += 1
        }
        let shapefileFolders = Set(
            entries.filter { $0.lowercased().hasSuffix(".shp") }.map { entry -> String in
                guard let slash = entry.lastIndex(of: "/") else { return "" }
                return String(entry[..<slash])
            })
        if shapefileFolders.count == 1, let folder = shapefileFolders.first {
            return folder.isEmpty ? root : root + "/" + folder
        }
        let candidates = entries.filter { entry in
            !entry.hasPrefix("__MACOSX") && knownExtensions.contains { entry.lowercased().hasSuffix($0) }
        }
        if shapefileFolders.isEmpty, candidates.count == 1, let only = candidates.first {
            return root + "/" + only
        }
        return root
    }
}

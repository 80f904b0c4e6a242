/// Fits declared field names into what a format allows, keeping them unique (case-insensitively,
/// as DBF and SQLite compare names).
enum FieldNaming {
    /// A shapefile's `.dbf` holds at most 10 bytes per name; with UTF-8 that is 3 Chinese characters.
    /// GDAL 3.6 cuts names mid-character, so names are cut here, on character boundaries.
    static let shapefileNameBytes = 10

    static func names(for declared: [String], format: ExportFormat, reserved: [String]) -> [String] {
        var used = Set(reserved.map { $0.uppercased() })
        let limit = format == .shapefileZip ? shapefileNameBytes : Int.max
        return declared.map { original in
            let name = original.isEmpty ? "field" : original
            var candidate = truncate(name, toBytes: limit)
            var number = 1
            while used.contains(candidate.uppercased()) {
                let suffix = "_\(number)"
                candidate = truncate(name, toBytes: limit == Int.max ? limit : limit - suffix.utf8.count) + suffix
                number += 1
            }
            used.insert(candidate.uppercased())
            return candidate
        }
    }

    static func truncate(_ name: String, toBytes limit: Int) -> String {
        guard name.utf8.count > limit else { return name }
        var result = ""
        var bytes = 0
        for character in name {
            let size = String(character).utf8.count
            if bytes + size > limit { break }
            result.append(character)
            bytes += size
        }
        return result
    }
}

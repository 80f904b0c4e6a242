/// JioNLP's five-level list (`china_location.txt`: an NBS statistical list of about 2021, townships and
/// villages without codes) set against the Ministry of Civil Affairs list the engine is built from:
///
/// - a township both lists name alike is the MCA unit, and JioNLP's villages go under it;
/// - a township JioNLP names differently — another level word (兴化乡 → 兴化镇) or one character spelled
///   otherwise (棋山镇 → 碁山镇, same sound or same character) — is the MCA unit, with JioNLP's name as a
///   former name valid until the MCA list's date, so that an address written with it resolves to the
///   current unit with a note;
/// - any other township-level unit only JioNLP has becomes a division of its own under its county, with
///   the code `<county code>-J<ordinal>` (the list gives townships no codes): state farms, forestry
///   bureaus, XPCC units, development zones and the like (…农场, …林场, …经营所, …团, …开发区) stay
///   current, as statistical units the MCA list does not carry; townships proper (…乡, …镇, …街道,
///   …苏木) are historic — dissolved or merged by the MCA list's date, so their validity ends then;
/// - a county JioNLP lists with a code the MCA list no longer has (渝北区, merged into 两江新区) is a
///   historic county with that code, and its townships are historic too.
public enum JioNLPLocations {
    /// Name endings of townships proper; other unit names are statistical units (farms, zones…).
    static let townshipEndings = ["街道办事处", "民族苏木", "民族乡", "街道", "苏木", "镇", "乡"]

    /// The changes for JioNLP's townships and villages, given the MCA divisions (provinces to townships)
    /// and the MCA list's date.
    public static func changes(
        locationText: String, divisions: [Division], listDate: GazetteerDate, characters: CharacterTables
    ) -> [GazetteerChange] {
        var index = MCAIndex(divisions)
        var changes: [GazetteerChange] = []
        var provinceCode = ""
        var cityCode = ""
        var county: String?
        var countyIsHistoric = false
        var township: String?
        var villageOrdinal: [String: Int] = [:]
        var unitOrdinal: [String: Int] = [:]
        for line in locationText.split(whereSeparator: \.isNewline) {
            let depth = line.prefix { $0 == "\t" }.count
            let fields = line.split(separator: "\t", omittingEmptySubsequences: true).map(String.init)
            guard let name = fields.first else { continue }
            let code = fields.count >= 2 ? fields[1] : ""
            switch depth {
            case 0:
                provinceCode = code
                county = nil
            case 1:
                cityCode = code
                county = nil
            case 2:
                county = index.county(named: name, code: code, cityCode: cityCode, provinceCode: provinceCode)
                countyIsHistoric = false
                if county == nil,
                    let historic = index.historicCounty(
                        named: name, code: code, short: fields.count >= 3 ? fields[2] : nil,
                        cityCode: cityCode, provinceCode: provinceCode, listDate: listDate)
                {
                    index.add(historic)
                    changes.append(.divisionUpserted(historic))
                    county = historic.code
                    countyIsHistoric = true
                }
                township = nil
            case 3:
                guard let county, name.count >= 2, !townshipEndings.contains(name) else {
                    township = nil
                    continue
                }
                switch index.township(named: name, in: county, characters: characters) {
                case .same(let code):
                    township = code
                case .renamed(let code):
                    township = code
                    let short = ShortNames.shortName(of: name, level: .township)
                    changes.append(
                        .formerNameAdded(
                            code: code, name: DivisionName(name: name, shortName: short, validity: Validity(to: listDate)), isRename: false))
                case .unknown:
                    let ordinal = (unitOrdinal[county] ?? 0) + 1
                    unitOrdinal[county] = ordinal
                    let code = county + "-J" + padded(ordinal)
                    let isHistoric = countyIsHistoric || townshipEndings.contains { name.hasSuffix($0) }
                    let validity = isHistoric ? Validity(to: listDate) : .always
                    let short = ShortNames.shortName(of: name, level: .township)
                    let division = Division(
                        code: code, level: .township, parentCode: county,
                        names: [DivisionName(name: name, shortName: short == name ? nil : short, validity: validity)], validity: validity)
                    index.add(division)
                    changes.append(.divisionUpserted(division))
                    township = code
                }
            default:
                guard let township else { continue }
                let ordinal = (villageOrdinal[township] ?? 0) + 1
                villageOrdinal[township] = ordinal
                changes.append(
                    .divisionUpserted(
                        Division(
                            code: township + "-" + padded(ordinal), level: .village, parentCode: township,
                            names: [DivisionName(name: name, shortName: nil)])))
            }
        }
        return changes
    }

    static func padded(_ number: Int) -> String {
        let text = String(number)
        return String(repeating: "0", count: max(0, 3 - text.count)) + text
    }

    /// How a JioNLP township relates to the MCA townships of its county.
    enum Match {
        case same(String)
        case renamed(String)
        case unknown
    }

    /// The MCA divisions, looked up the ways JioNLP's names need.
    struct MCAIndex {
        var byCode: [String: Division] = [:]
        var countiesByProvince: [Substring: [Division]] = [:]
        var townshipsByParent: [String: [Division]] = [:]
        /// The short names (stems) of the townships of a county, computed once per county.
        var stemsByParent: [String: [String]] = [:]

        init(_ divisions: [Division]) {
            for division in divisions {
                byCode[division.code] = division
                switch division.level {
                case .county, .city: countiesByProvince[division.code.prefix(2), default: []].append(division)
                case .township: if let parent = division.parentCode { townshipsByParent[parent, default: []].append(division) }
                default: break
                }
            }
        }

        mutating func add(_ division: Division) {
            byCode[division.code] = division
            if let parent = division.parentCode {
                townshipsByParent[parent, default: []].append(division)
                stemsByParent[parent] = nil
            }
        }

        static func stem(_ name: String) -> String { ShortNames.shortName(of: name, level: .township) ?? name }

        /// The MCA county (or city without counties) a JioNLP county line stands for: by code when the
        /// names agree, else by name or short name within the city, then within the province (codes
        /// change when a county becomes a city, or moves to another city: 监利县 421023 → 监利市 421088).
        func county(named name: String, code: String, cityCode: String, provinceCode: String) -> String? {
            if let division = byCode[code], division.level == .county || townshipsByParent[code] != nil {
                if division.level == .city || sameStem(division.currentName, name) { return code }
            }
            let candidates = (countiesByProvince[provinceCode.prefix(2)] ?? []).filter { $0.level == .county }
            for matches in [{ (division: Division) in division.currentName == name }, { self.sameStem($0.currentName, name) }] {
                let found = candidates.filter(matches)
                let inCity = found.filter { $0.code.prefix(4) == cityCode.prefix(4) }
                if inCity.count == 1 { return inCity[0].code }
                if found.count == 1 { return found[0].code }
            }
            return nil
        }

        /// A county JioNLP lists with a code that the MCA list no longer has under any name (merged away
        /// since, like 渝北区 into 两江新区): a historic county under its city. Development zones of the
        /// NBS list (codes xxxx7x) are no counties and are left out.
        func historicCounty(named name: String, code: String, short: String?, cityCode: String, provinceCode: String, listDate: GazetteerDate)
            -> Division?
        {
            let digits = Array(code.utf8)
            guard digits.count == 6, digits.allSatisfy({ (48...57).contains($0) }), digits[4] != UInt8(ascii: "7"), byCode[code] == nil
            else { return nil }
            let parent = byCode[cityCode]?.level == .city ? cityCode : byCode[provinceCode] != nil ? provinceCode : nil
            guard let parent else { return nil }
            let validity = Validity(to: listDate)
            let shortName = short.flatMap { $0 != name && $0.count >= 2 && name.hasPrefix($0) ? $0 : nil }
            return Division(
                code: code, level: .county, parentCode: parent, names: [DivisionName(name: name, shortName: shortName, validity: validity)],
                validity: validity)
        }

        mutating func township(named name: String, in county: String, characters: CharacterTables) -> Match {
            let siblings = townshipsByParent[county] ?? []
            if let same = siblings.first(where: { $0.currentName == name }) { return .same(same.code) }
            let stem = Self.stem(name)
            let stems = stemsByParent[county] ?? siblings.map { Self.stem($0.currentName) }
            stemsByParent[county] = stems
            let byStem = siblings.indices.filter { stems[$0] == stem }
            if byStem.count == 1 { return .renamed(siblings[byStem[0]].code) }
            let respelt = siblings.filter { Self.isRespelling($0.currentName, name, characters) }
            if respelt.count == 1 { return .renamed(respelt[0].code) }
            return .unknown
        }

        /// Same length, and exactly one character differs, by sound or as a variant of the same one.
        static func isRespelling(_ a: String, _ b: String, _ characters: CharacterTables) -> Bool {
            let x = Array(a.unicodeScalars.map(\.value))
            let y = Array(b.unicodeScalars.map(\.value))
            guard x.count == y.count, x.count >= 3, x.last == y.last else { return false }
            var differences = 0
            for (p, q) in zip(x, y) where p != q {
                differences += 1
                guard differences == 1, characters.simplify(p) == characters.simplify(q) || characters.soundAlike(p, q) else { return false }
            }
            return differences == 1
        }

        func sameStem(_ a: String, _ b: String) -> Bool {
            (ShortNames.shortName(of: a, level: .county) ?? a) == (ShortNames.shortName(of: b, level: .county) ?? b)
        }
    }
}

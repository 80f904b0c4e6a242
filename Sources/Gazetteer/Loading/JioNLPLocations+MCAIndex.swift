extension JioNLPLocations {
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

        /// How each of a county's JioNLP townships relates to the county's MCA townships, in three rounds:
        ///
        /// 1. the same name, once JioNLP's additions are taken off (…办事处, a county or zone name in
        ///    front: 孝南区三汊镇, 高新区七里河街道), is the MCA unit; so is the only one with the same stem
        ///    (兴化乡 → 兴化镇) — either way that MCA name is taken;
        /// 2. a name one character away from the stem of an MCA township nobody took in round 1 — the
        ///    same sound or the same character (棋山镇 → 碁山镇), or one character more or less (万松街街道
        ///    → 万松街道, 九湖镇 → 大九湖镇) — is that unit, if it is the only such pair on both sides: two
        ///    townships JioNLP lists side by side are two units (关东街道 is no spelling of 关山街道 when
        ///    JioNLP lists 关山街道 as well);
        /// 3. the rest is unknown to the MCA list.
        mutating func townships(named names: [String], in county: String, characters: CharacterTables) -> [Match] {
            let siblings = townshipsByParent[county] ?? []
            let stems = stemsByParent[county] ?? siblings.map { Self.stem($0.currentName) }
            stemsByParent[county] = stems
            var matches = [Match](repeating: .unknown, count: names.count)
            var taken = Set<Int>()
            let forms = names.map(Self.forms)
            for offset in names.indices {
                if let same = siblings.indices.first(where: { forms[offset].contains(siblings[$0].currentName) }) {
                    matches[offset] = .same(siblings[same].code)
                    taken.insert(same)
                    continue
                }
                let formStems = Set(forms[offset].map(Self.stem))
                let byStem = siblings.indices.filter { formStems.contains(stems[$0]) }
                if byStem.count == 1 {
                    matches[offset] = .renamed(siblings[byStem[0]].code)
                    taken.insert(byStem[0])
                }
            }
            var pairs: [(name: Int, sibling: Int)] = []
            for offset in names.indices {
                guard case .unknown = matches[offset] else { continue }
                let stem = Self.stem(forms[offset][forms[offset].count - 1])
                for sibling in siblings.indices where !taken.contains(sibling) {
                    let mca = stems[sibling]
                    if Self.isRespelling(mca, stem, characters) || Self.isOneMoreCharacter(mca, stem) || Self.isOneMoreCharacter(stem, mca) {
                        pairs.append((offset, sibling))
                    }
                }
            }
            for pair in pairs
            where pairs.filter({ $0.name == pair.name }).count == 1 && pairs.filter({ $0.sibling == pair.sibling }).count == 1 {
                matches[pair.name] = .renamed(siblings[pair.sibling].code)
            }
            return matches
        }

        /// A JioNLP township name, and the same without what the NBS list adds to some: the office word
        /// (东山办事处街道 → 东山街道) and a county or zone name in front (孝南区三汊镇 → 三汊镇).
        static func forms(of name: String) -> [String] {
            var forms = [name]
            var bare = name.replacingOccurrences(of: "办事处", with: "")
            if bare.count >= 3, !townshipEndings.contains(bare), bare != name { forms.append(bare) }
            let characters = Array(bare)
            for end in stride(from: characters.count - 3, through: 2, by: -1) where "区市县".contains(characters[end - 1]) {
                bare = String(characters[end...])
                if !townshipEndings.contains(bare) { forms.append(bare) }
                break
            }
            return forms
        }

        /// Two stems of the same length in which exactly one character differs, by sound or as a variant
        /// of the same one.
        static func isRespelling(_ a: String, _ b: String, _ characters: CharacterTables) -> Bool {
            let x = Array(a.unicodeScalars.map(\.value))
            let y = Array(b.unicodeScalars.map(\.value))
            guard x.count == y.count, x.count >= 2 else { return false }
            var differences = 0
            for (p, q) in zip(x, y) where p != q {
                differences += 1
                guard differences == 1, characters.simplify(p) == characters.simplify(q) || characters.soundAlike(p, q) else { return false }
            }
            return differences == 1
        }

        /// `longer` is `shorter` with one character added (万松街 and 万松, 大九湖 and 九湖), `shorter` being
        /// two characters at least.
        static func isOneMoreCharacter(_ longer: String, _ shorter: String) -> Bool {
            let x = Array(longer.unicodeScalars)
            let y = Array(shorter.unicodeScalars)
            guard x.count == y.count + 1, y.count >= 2 else { return false }
            let prefix = zip(x, y).prefix { $0 == $1 }.count
            return x[(prefix + 1)...].elementsEqual(y[prefix...])
        }

        func sameStem(_ a: String, _ b: String) -> Bool {
            (ShortNames.shortName(of: a, level: .county) ?? a) == (ShortNames.shortName(of: b, level: .county) ?? b)
        }
    }
}

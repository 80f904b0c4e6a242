/// JioNLP's five-level list (`china_location.txt`: an NBS statistical list of about 2021, townships and
/// villages without codes) set against the Ministry of Civil Affairs list the engine is built from,
/// one county at a time (see `MCAIndex.townships(named:in:characters:)`):
///
/// - a township both lists name alike — once the NBS list's additions are taken off (…办事处街道,
///   孝南区三汊镇) — is the MCA unit, and JioNLP's villages go under it;
/// - a township JioNLP names differently — another level word (兴化乡 → 兴化镇), one character spelled
///   otherwise (棋山镇 → 碁山镇, same sound or same character) or one character more or less (万松街街道 →
///   万松街道, 九湖镇 → 大九湖镇), when no other JioNLP township of the county has that MCA name — is the
///   MCA unit, with JioNLP's name as a former name valid until the MCA list's date, so that an address
///   written with it resolves to the current unit with a note;
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
        var block: CountyBlock?
        var ordinals = Ordinals()
        func flush() {
            if let pending = block {
                changes += pending.changes(index: &index, ordinals: &ordinals, listDate: listDate, characters: characters)
            }
            block = nil
        }
        for line in locationText.split(whereSeparator: \.isNewline) {
            let depth = line.prefix { $0 == "\t" }.count
            let fields = line.split(separator: "\t", omittingEmptySubsequences: true).map(String.init)
            guard let name = fields.first else { continue }
            let code = fields.count >= 2 ? fields[1] : ""
            switch depth {
            case 0:
                flush()
                provinceCode = code
            case 1:
                flush()
                cityCode = code
            case 2:
                flush()
                if let county = index.county(named: name, code: code, cityCode: cityCode, provinceCode: provinceCode) {
                    block = CountyBlock(county: county, isHistoric: false)
                } else if let historic = index.historicCounty(
                    named: name, code: code, short: fields.count >= 3 ? fields[2] : nil,
                    cityCode: cityCode, provinceCode: provinceCode, listDate: listDate)
                {
                    index.add(historic)
                    changes.append(.divisionUpserted(historic))
                    block = CountyBlock(county: historic.code, isHistoric: true)
                }
            case 3:
                // A bare level word (街道) is no unit: its villages are left out with it.
                block?.townships.append(Township(name: name, isUnit: name.count >= 2 && !townshipEndings.contains(name)))
            default:
                guard let last = block?.townships.indices.last else { continue }
                block?.townships[last].villages.append(name)
            }
        }
        flush()
        return changes
    }

    /// The short name of a unit only JioNLP's list has. XPCC units are listed with the corps in front
    /// (兵团十团) but written without it in addresses (阿拉尔市十团).
    static func shortName(ofUnit name: String) -> String? {
        guard name.hasPrefix(corps), name.count >= corps.count + 2 else { return ShortNames.shortName(of: name, level: .township) }
        let unit = String(name.dropFirst(corps.count))
        return ShortNames.shortName(of: unit, level: .township) ?? unit
    }

    static let corps = "兵团"

    /// A township line of JioNLP's list and the village lines under it.
    struct Township {
        var name: String
        var isUnit: Bool
        var villages: [String] = []
    }

    /// One county of JioNLP's list: its townships are set against the MCA townships of the county
    /// all together, since whether a name is another spelling of an MCA township depends on whether
    /// another township of the county already bears that MCA name.
    struct CountyBlock {
        var county: String
        var isHistoric: Bool
        var townships: [Township] = []

        func changes(index: inout MCAIndex, ordinals: inout Ordinals, listDate: GazetteerDate, characters: CharacterTables)
            -> [GazetteerChange]
        {
            let units = townships.filter(\.isUnit)
            let matches = index.townships(named: units.map(\.name), in: county, characters: characters)
            var changes: [GazetteerChange] = []
            for (township, match) in zip(units, matches) {
                let code: String
                switch match {
                case .same(let mca):
                    code = mca
                case .renamed(let mca):
                    code = mca
                    let short = ShortNames.shortName(of: township.name, level: .township)
                    changes.append(
                        .formerNameAdded(
                            code: mca, name: DivisionName(name: township.name, shortName: short, validity: Validity(to: listDate)),
                            isRename: false))
                case .unknown:
                    code = county + "-J" + ordinals.next(county)
                    let isHistoric = isHistoric || townshipEndings.contains { township.name.hasSuffix($0) }
                    let validity = isHistoric ? Validity(to: listDate) : .always
                    let short = JioNLPLocations.shortName(ofUnit: township.name)
                    let division = Division(
                        code: code, level: .township, parentCode: county,
                        names: [DivisionName(name: township.name, shortName: short == township.name ? nil : short, validity: validity)],
                        validity: validity)
                    index.add(division)
                    changes.append(.divisionUpserted(division))
                }
                for village in township.villages {
                    changes.append(
                        .divisionUpserted(
                            Division(
                                code: code + "-" + ordinals.next(code), level: .village, parentCode: code,
                                names: [DivisionName(name: village, shortName: nil)])))
                }
            }
            return changes
        }
    }

    /// Ordinals for the codes JioNLP's list does not give, per parent code (a county or an MCA
    /// township may take units from more than one line of the list).
    struct Ordinals {
        var last: [String: Int] = [:]

        /// The next ordinal under a parent, three digits at least.
        mutating func next(_ parent: String) -> String {
            let number = (last[parent] ?? 0) + 1
            last[parent] = number
            let text = String(number)
            return String(repeating: "0", count: max(0, 3 - text.count)) + text
        }
    }
}

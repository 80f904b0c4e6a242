import Gazetteer
import Testing

@Suite("JioNLP's townships against the MCA list")
struct JioNLPLocationsTests {
    static let listDate = GazetteerDate(year: 2025, month: 12, day: 31)!
    static let mca: [Division] = [
        Division(code: "370000", level: .province, parentCode: nil, names: [DivisionName(name: "山东省", shortName: "山东")]),
        Division(code: "371100", level: .city, parentCode: "370000", names: [DivisionName(name: "日照市", shortName: "日照")]),
        Division(code: "371122", level: .county, parentCode: "371100", names: [DivisionName(name: "莒县", shortName: nil)]),
        Division(code: "371122001", level: .township, parentCode: "371122", names: [DivisionName(name: "城阳街道", shortName: "城阳")]),
        Division(code: "371122101", level: .township, parentCode: "371122", names: [DivisionName(name: "碁山镇", shortName: "碁山")]),
        Division(code: "371122102", level: .township, parentCode: "371122", names: [DivisionName(name: "东莞镇", shortName: "东莞")]),
    ]
    static let jioNLP = """
        山东省\t370000\t山东
        \t日照市\t371100\t日照
        \t\t莒县\t371122\t莒县
        \t\t\t城阳街道
        \t\t\t\t东关社区
        \t\t\t棋山镇
        \t\t\t东莞乡
        \t\t\t莒县国营林场
        \t\t\t小店镇
        \t\t\t\t小店村
        \t\t\t街道
        """

    static func changes() -> [GazetteerChange] {
        var characters = CharacterTables()
        characters.addPinyin(table: "qi\t棋碁\nshan\t山\nzhen\t镇")
        return JioNLPLocations.changes(locationText: jioNLP, divisions: mca, listDate: listDate, characters: characters)
    }

    @Test("same names, other level words and other spellings are the MCA units; the rest are new units")
    func classification() throws {
        let changes = Self.changes()
        var former: [String: String] = [:]
        var units: [String: Division] = [:]
        var villages: [String: String] = [:]
        for change in changes {
            switch change {
            case .formerNameAdded(let code, let name, let isRename):
                #expect(!isRename)
                #expect(name.validity.to == Self.listDate)
                former[name.name] = code
            case .divisionUpserted(let division) where division.level == .village: villages[division.name(on: nil)?.name ?? ""] = division.parentCode
            case .divisionUpserted(let division): units[division.currentName] = division
            default: Issue.record("unexpected \(change)")
            }
        }
        #expect(former == ["棋山镇": "371122101", "东莞乡": "371122102"])
        let farm = try #require(units["莒县国营林场"])
        #expect(farm.code == "371122-J001" && farm.validity.isCurrent && farm.level == .township)
        let dissolved = try #require(units["小店镇"])
        #expect(dissolved.code == "371122-J002" && dissolved.validity.to == Self.listDate)
        #expect(units["街道"] == nil)
        #expect(villages == ["东关社区": "371122001", "小店村": "371122-J002"])
    }

    @Test("the loaded units geocode, old spellings with a note")
    func geocoding() {
        let gazetteer = Gazetteer(changes: Self.mca.map { .divisionUpserted($0) } + Self.changes())
        #expect(gazetteer.geocode("山东省日照市莒县棋山镇石泉社区").code(at: .township) == "371122101")
        #expect(gazetteer.geocode("日照市莒县莒县国营林场").code(at: .township) == "371122-J001")
        let dissolved = gazetteer.geocode("日照市莒县小店镇小店村")
        #expect(dissolved.code(at: .township) == "371122-J002")
        #expect(dissolved.notes.contains { $0.hasPrefix("historic: 小店镇") }, "\(dissolved.notes)")
    }

    @Test("the list's additions are taken off, one character more or less is a spelling, and side-by-side townships are two units")
    func spellingsWithinACounty() {
        let mca: [Division] = [
            Division(code: "420000", level: .province, parentCode: nil, names: [DivisionName(name: "湖北省", shortName: "湖北")]),
            Division(code: "420100", level: .city, parentCode: "420000", names: [DivisionName(name: "武汉市", shortName: "武汉")]),
            Division(code: "420103", level: .county, parentCode: "420100", names: [DivisionName(name: "江汉区", shortName: "江汉")]),
            Division(code: "420103008", level: .township, parentCode: "420103", names: [DivisionName(name: "万松街道", shortName: "万松")]),
            Division(code: "420103009", level: .township, parentCode: "420103", names: [DivisionName(name: "东山街道", shortName: "东山")]),
            Division(code: "420103010", level: .township, parentCode: "420103", names: [DivisionName(name: "三汊镇", shortName: "三汊")]),
            Division(code: "420103011", level: .township, parentCode: "420103", names: [DivisionName(name: "碁山镇", shortName: "碁山")]),
        ]
        let text = """
            湖北省\t420000\t湖北
            \t武汉市\t420100\t武汉
            \t\t江汉区\t420103\t江汉
            \t\t\t万松街街道
            \t\t\t前进街街道
            \t\t\t东山办事处街道
            \t\t\t江汉区三汊镇
            \t\t\t棋山镇
            \t\t\t碁山镇
            """
        var characters = CharacterTables()
        characters.addPinyin(table: "qi\t棋碁\nshan\t山\nzhen\t镇")
        var former: [String: String] = [:]
        var units: [String: String] = [:]
        for change in JioNLPLocations.changes(locationText: text, divisions: mca, listDate: Self.listDate, characters: characters) {
            switch change {
            case .formerNameAdded(let code, let name, _): former[name.name] = code
            case .divisionUpserted(let division): units[division.currentName] = division.code
            default: Issue.record("unexpected \(change)")
            }
        }
        // 东山办事处街道 and 江汉区三汊镇 are the MCA names as the NBS list writes them: no former names.
        #expect(former == ["万松街街道": "420103008"])
        #expect(units == ["前进街街道": "420103-J001", "棋山镇": "420103-J002"])
    }

    @Test("XPCC units are found without the corps in front (阿拉尔市十团 for 兵团十团)")
    func corpsUnits() {
        let mca: [Division] = [
            Division(code: "650000", level: .province, parentCode: nil, names: [DivisionName(name: "新疆维吾尔自治区", shortName: "新疆")]),
            Division(code: "659000", level: .city, parentCode: "650000", names: [DivisionName(name: "自治区直辖县级行政区划", shortName: nil)]),
            Division(code: "659002", level: .county, parentCode: "659000", names: [DivisionName(name: "阿拉尔市", shortName: "阿拉尔")]),
            Division(code: "659002001", level: .township, parentCode: "659002", names: [DivisionName(name: "幸福路街道", shortName: "幸福路")]),
        ]
        let text = """
            新疆维吾尔自治区\t650000\t新疆
            \t自治区直辖县级行政区划\t659000
            \t\t阿拉尔市\t659002\t阿拉尔
            \t\t\t幸福路街道
            \t\t\t兵团十团
            \t\t\t兵团十一团
            """
        let changes = JioNLPLocations.changes(locationText: text, divisions: mca, listDate: Self.listDate, characters: CharacterTables())
        let gazetteer = Gazetteer(changes: mca.map { .divisionUpserted($0) } + changes)
        let short = gazetteer.geocode("新疆维吾尔自治区阿拉尔市十团")
        #expect(short.admin.last?.name == "兵团十团", "\(short.admin)")
        #expect(gazetteer.geocode("阿拉尔市十一团").admin.last?.name == "兵团十一团")
        #expect(gazetteer.geocode("阿拉尔市兵团十团").admin.last?.name == "兵团十团")
    }
}

import Gazetteer
import Testing

/// Issue 16: township-level units only JioNLP's list has, the remainder kept in the standard address,
/// and explicitly named divisions that do not exist.
@Suite("Real-world addresses")
struct RealWorldAddressTests {
    static let day2020 = GazetteerDate(year: 2020, month: 6, day: 1)
    static let day2026 = GazetteerDate(year: 2026, month: 1, day: 1)

    @Test("a state farm only JioNLP lists is a current township-level unit of its county")
    func statisticalUnit() throws {
        let result = Fixture.gazetteer.geocode("湖北省孝感市汉川市华严农场跃进路8号")
        #expect(result.isSuccess)
        let township = try #require(result.admin.first { $0.level == .township })
        #expect(township.name == "华严农场")
        #expect(township.code.hasPrefix("420984-J"))
        #expect(!result.notes.contains { $0.hasPrefix("historic") })
    }

    // 金水街道 of 江夏区: JioNLP lists it, the MCA list of 2025-12-31 has no township of that name in
    // 武汉市, and every MCA township of 江夏区 is another JioNLP township's.
    @Test("a township the MCA list no longer has is historic, and as_of decides whether it is")
    func historicTownship() throws {
        let text = "湖北省武汉市江夏区金水街道金水一路8号"
        let now = Fixture.gazetteer.geocode(text)
        #expect(now.admin.last?.name == "金水街道")
        #expect(now.notes.contains { $0.hasPrefix("historic: 金水街道") }, "\(now.notes)")
        let then = Fixture.gazetteer.geocode(text, options: GeocodeOptions(asOf: Self.day2020))
        #expect(then.admin.last?.name == "金水街道")
        #expect(!then.notes.contains { $0.hasPrefix("historic") }, "\(then.notes)")
        // Ceased by then: the county stays, 金水街道 is not read as a typo of 金口街道, and the text is kept.
        let later = Fixture.gazetteer.geocode(text, options: GeocodeOptions(asOf: Self.day2026))
        #expect(later.code(at: .county) == "420115")
        #expect(later.code(at: .township) == nil, "\(later.admin)")
        #expect(later.standardAddress?.hasSuffix("金水街道金水一路8号") == true, "\(later.standardAddress ?? "")")
        let code = try #require(now.code(at: .township))
        let division = try #require(Fixture.gazetteer.division(code: code))
        #expect(division.validity.to == GazetteerDate(year: 2025, month: 12, day: 31))
    }

    // 关东街道: JioNLP (about 2021) lists it under 洪山区, next to 关山街道; the MCA list of 2025-12-31 has
    // it under 江夏区 (420115020).
    @Test("a township that has moved to a neighbouring county is found there, never as a typo of a sibling")
    func movedTownship() {
        let text = "湖北省武汉市洪山区关东街道珞喻路1037号"
        let now = Fixture.gazetteer.geocode(text)
        #expect(now.code(at: .township) == "420115020", "\(now.admin)")
        #expect(now.notes.contains { $0.hasPrefix("historic: 湖北省武汉市洪山区关东街道 is now 湖北省武汉市江夏区关东街道") }, "\(now.notes)")
        #expect(now.standardAddress?.hasSuffix("关东街道珞喻路1037号") == true)
        let then = Fixture.gazetteer.geocode(text, options: GeocodeOptions(asOf: Self.day2020))
        #expect(then.code(at: .county) == "420111")
        #expect(then.admin.last?.name == "关东街道")
        let later = Fixture.gazetteer.geocode(text, options: GeocodeOptions(asOf: Self.day2026))
        #expect(later.code(at: .township) == "420115020", "\(later.admin)")
        #expect(later.notes.contains { $0.hasPrefix("moved: 关东街道 is in 江夏区") }, "\(later.notes)")
    }

    @Test(
        "a township JioNLP spells otherwise resolves to the MCA unit with a note",
        arguments: [
            ("湖北省咸宁市嘉鱼县牌洲湾镇", "421221107", "牌洲湾镇"), ("湖北省天门市候口街道", "429006002", "候口街道"), ("湖北省仙桃市豆河镇", "429004103", "豆河镇"),
            ("湖北省武汉市江汉区万松街街道", "420103008", "万松街街道"), ("湖北省神农架林区九湖镇", "429021105", "九湖镇"),
            ("湖北省荆州市沙市区朝阳街道", "421002005", "朝阳街道"),
        ])
    func respelt(_ text: String, _ code: String, _ written: String) {
        let result = Fixture.gazetteer.geocode(text)
        #expect(result.code(at: .township) == code, "\(result.admin)")
        #expect(result.notes.contains { $0.hasPrefix("former name: \(written)") }, "\(result.notes)")
    }

    @Test(
        "the standard address ends with what follows the divisions",
        arguments: [
            ("湖北省武汉市洪山区珞南街道珞喻路1037号3栋2单元501室", "珞喻路1037号3栋2单元501室"),
            ("湖北省武汉市洪山区关东街道珞喻路1037号", "关东街道珞喻路1037号"), ("湖北省武汉市江汉区民族街道民族路12号附近的小卖部", "民族路12号附近的小卖部"),
            ("武汉市洪山区珞南街道 张三 13812345678", "珞南街道张三13812345678"), ("湖北省武汉市江岸区大智街道中山大道１号", "中山大道1号"),
        ])
    func remainderKept(_ text: String, _ ending: String) {
        let result = Fixture.gazetteer.geocode(text)
        #expect(result.isSuccess)
        #expect(result.standardAddress?.hasSuffix(ending) == true, "\(result.standardAddress ?? "")")
    }

    @Test("no generated address loses its remainder from the standard address")
    func remainderPropertyOnEveryGeneratedAddress() {
        let gazetteer = Fixture.gazetteer
        let townships = gazetteer.divisions.filter { $0.level == .township && $0.validity.isCurrent && $0.code.hasPrefix("42") }
        #expect(townships.count > 1_000)
        let remainders = ["解放路12号3栋2单元501室", "幸福小区东门旁", "1号楼1204室", "建设大道468号附近", ""]
        var checked = 0
        var dropped: [String] = []
        for (index, township) in townships.enumerated() {
            let remainder = remainders[index % remainders.count]
            let prefix = gazetteer.lineage(code: township.code).map(\.currentName).joined()
            let result = gazetteer.geocode(prefix + remainder)
            guard let standard = result.standardAddress else { continue }
            checked += 1
            if !standard.hasSuffix(remainder) { dropped.append("\(prefix + remainder) → \(standard)") }
        }
        #expect(checked > townships.count * 9 / 10)
        #expect(dropped.isEmpty, "\(dropped.prefix(10))")
    }

    @Test(
        "a division named explicitly that does not exist fails with its name",
        arguments: [
            ("洪山湾市金沙区幸福路1号", "洪山湾市"), ("武汉市光明湾区幸福路1号", "光明湾区"), ("湖北省江夏湾市和平路1号", "江夏湾市"), ("湖北省武汉市洪山湾区人民路2号", "洪山湾区"),
        ])
    func unknownDivision(_ text: String, _ name: String) {
        let result = Fixture.gazetteer.geocode(text)
        guard case .unknownDivision(let found, _) = result.failure else {
            Issue.record("\(text) → \(result.failure?.code ?? "success: \(result.standardAddress ?? "")")")
            return
        }
        #expect(found == name)
        #expect(result.failure?.description.contains(name) == true)
        #expect(result.point == nil)
    }

    @Test(
        "zones, markets and the forms' 市辖区 are no unknown divisions",
        arguments: ["湖北省武汉市市辖区洪山区珞南街道", "武汉市洪山区光谷开发区珞喻路1号", "武汉市汉阳区人民市场", "湖北省武汉市东湖高新区关山街道"])
    func notUnknown(_ text: String) {
        let result = Fixture.gazetteer.geocode(text)
        #expect(result.isSuccess, "\(text): \(result.failure?.description ?? "")")
    }

    @Test("a historic division resolves to its successor, and as_of keeps it")
    func successor() throws {
        let listDate = try #require(GazetteerDate(year: 2025, month: 12, day: 31))
        let gazetteer = Gazetteer(
            changes: [
                .divisionUpserted(Division(code: "500000", level: .province, parentCode: nil, names: [DivisionName(name: "重庆市", shortName: "重庆")])),
                .divisionUpserted(
                    Division(code: "500157", level: .county, parentCode: "500000", names: [DivisionName(name: "两江新区", shortName: "两江")])),
                .divisionUpserted(
                    Division(code: "500157003", level: .township, parentCode: "500157", names: [DivisionName(name: "大竹林街道", shortName: "大竹林")])),
            ]
                + JioNLPLocations.changes(
                    locationText: "重庆市\t500000\t重庆\n\t重庆市\t500000\t重庆\n\t\t渝北区\t500112\t渝北\n\t\t\t大竹林街道\n\t\t\t\t星汇社区\n",
                    divisions: [
                        Division(code: "500000", level: .province, parentCode: nil, names: [DivisionName(name: "重庆市", shortName: "重庆")]),
                        Division(code: "500157", level: .county, parentCode: "500000", names: [DivisionName(name: "两江新区", shortName: "两江")]),
                        Division(code: "500157003", level: .township, parentCode: "500157", names: [DivisionName(name: "大竹林街道", shortName: "大竹林")]),
                    ], listDate: listDate, characters: .empty))
        #expect(gazetteer.division(code: "500112")?.validity.to != nil)
        let now = gazetteer.geocode("重庆市渝北区大竹林街道星汇路1号")
        #expect(now.code(at: .township) == "500157003", "\(now.admin) \(now.failure?.description ?? "")")
        #expect(now.code(at: .county) == "500157")
        #expect(now.notes.contains { $0.contains("is now 重庆市两江新区大竹林街道") }, "\(now.notes)")
        let then = gazetteer.geocode("重庆市渝北区大竹林街道星汇路1号", options: GeocodeOptions(asOf: Self.day2020))
        #expect(then.code(at: .county) == "500112")
        #expect(then.admin.last?.name == "大竹林街道")
    }
}

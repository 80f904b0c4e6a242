import Foundation
import Gazetteer
import Testing

@Suite("Geocoding as of a date")
struct AsOfTests {
    static func on(_ text: String) -> GeocodeOptions { GeocodeOptions(asOf: GazetteerDate(parsing: text)) }

    @Test("襄樊市 before 2010-12-09, 襄阳市 after")
    func xiangfan() {
        let before = Fixture.gazetteer.geocode("湖北省襄樊市樊城区", options: Self.on("2005-01-01"))
        #expect(before.code(at: .county) == "420606")
        #expect(before.admin.first { $0.level == .city }?.name == "襄樊市")
        #expect(before.standardAddress == "湖北省襄樊市樊城区")
        #expect(!before.notes.contains { $0.hasPrefix("former name") })

        let after = Fixture.gazetteer.geocode("湖北省襄樊市樊城区")
        #expect(after.code(at: .county) == "420606")
        #expect(after.admin.first { $0.level == .city }?.name == "襄阳市")
        #expect(after.notes.contains { $0.hasPrefix("former name: 襄樊市") })
        #expect(after.score < before.score)

        let newNameEarly = Fixture.gazetteer.geocode("湖北省襄阳市樊城区", options: Self.on("2005-01-01"))
        #expect(newNameEarly.code(at: .county) == "420606")
        #expect(newNameEarly.admin.first { $0.level == .city }?.name == "襄樊市")
        #expect(newNameEarly.score < after.score)
    }

    /// (address, date, expected county code, expected county name on that date).
    static let renames: [(String, String, String, String)] = [
        ("湖北省荆州市监利县", "2019-01-01", "421088", "监利县"), ("湖北省荆州市监利市", "2021-01-01", "421088", "监利市"),
        ("湖北省荆门市京山县", "2017-06-01", "420882", "京山县"), ("湖北省京山市", "2019-01-01", "420882", "京山市"),
        ("河北省承德市平泉县", "2016-01-01", "130881", "平泉县"), ("陕西省榆林市神木县", "2016-01-01", "610881", "神木县"),
        ("江西省鹰潭市余江县", "2016-01-01", "360603", "余江县"), ("湖南省长沙市宁乡县", "2016-01-01", "430182", "宁乡县"),
        ("云南省曲靖市马龙县", "2016-01-01", "530304", "马龙县"), ("湖北省宜昌市夷陵区", "2016-01-01", "420506", "夷陵区"),
    ]

    @Test("renamed counties under their name of the day", arguments: renames)
    func rename(_ text: String, _ day: String, _ code: String, _ name: String) {
        let result = Fixture.gazetteer.geocode(text, options: Self.on(day))
        #expect(result.code(at: .county) == code, "\(text) on \(day): \(result.admin) \(result.failure?.description ?? "")")
        #expect(result.admin.last?.name == name)
    }

    @Test(
        "old names still resolve today",
        arguments: [
            ("湖北省荆州市监利县", "421088"), ("河北省承德市平泉县", "130881"), ("湖北省襄樊市", "420600"), ("浙江省杭州市江干区", "330102"),
            ("四川省宜宾市宜宾县", "511504"), ("浙江省杭州市下城区", "330105"), ("湖北省荆门市京山县", "420882"),
        ])
    func formerToday(_ text: String, _ code: String) {
        let result = Fixture.gazetteer.geocode(text)
        #expect(result.isSuccess)
        #expect(result.admin.last?.code == code, "\(text): \(result.admin)")
    }

    @Test("a former name with another stem is flagged", arguments: ["湖北省襄樊市", "浙江省杭州市江干区", "四川省宜宾市宜宾县"])
    func formerFlagged(_ text: String) {
        #expect(Fixture.gazetteer.geocode(text).notes.contains { $0.hasPrefix("former name") }, "\(text)")
    }

    @Test("a merged district keeps its own name before the merge (江干区 → 上城区 in 2021)")
    func merge() {
        let result = Fixture.gazetteer.geocode("浙江省杭州市上城区", options: Self.on("2020-01-01"))
        #expect(result.code(at: .county) == "330102")
        #expect(result.admin.last?.name == "上城区")
        let absorbed = Fixture.gazetteer.geocode("浙江省杭州市江干区", options: Self.on("2020-01-01"))
        #expect(absorbed.code(at: .county) == "330102")
    }

    @Test("a division retired on a day is not found after it")
    func retired() {
        var gazetteer = Fixture.gazetteer
        gazetteer.apply(.divisionRetired(code: "420113", on: GazetteerDate(year: 2030, month: 1, day: 1)!))
        #expect(gazetteer.geocode("湖北省武汉市汉南区", options: Self.on("2029-06-01")).code(at: .county) == "420113")
        #expect(gazetteer.geocode("湖北省武汉市汉南区", options: Self.on("2031-06-01")).code(at: .county) != "420113")
    }

    @Test("a rename applied as a change takes effect on its day")
    func renameChange() {
        var gazetteer = Fixture.gazetteer
        let day = GazetteerDate(year: 2030, month: 1, day: 1)!
        gazetteer.apply(.divisionRenamed(code: "420113", name: DivisionName(name: "汉南新区", shortName: "汉南"), on: day))
        #expect(gazetteer.geocode("湖北省武汉市汉南新区", options: Self.on("2031-01-01")).code(at: .county) == "420113")
        #expect(gazetteer.geocode("湖北省武汉市汉南区", options: Self.on("2029-01-01")).admin.last?.name == "汉南区")
        #expect(gazetteer.geocode("湖北省武汉市汉南区", options: Self.on("2031-01-01")).admin.last?.name == "汉南新区")
    }
}

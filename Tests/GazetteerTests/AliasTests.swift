import Gazetteer
import Testing

@Suite("Aliases and the address layer")
struct AliasTests {
    /// Alias or address → expected address point id.
    static let pointCases: [(String, String)] = [
        ("武大", "whu"), ("华科", "hust"), ("华中大", "hust"), ("华师", "ccnu"), ("省博", "hbm"), ("武汉大学", "whu"),
        ("华中科技大学", "hust"), ("湖北省博物馆", "hbm"), ("中南财经政法大学", "zuel"), ("武汉理工大学", "whut"), ("武汉市政府", "whgov"),
        ("武汉市人民政府", "whgov"), ("曾侯乙编钟", "hbm"), ("热干面老字号", "cailinji"), ("蔡林记热干面", "cailinji"), ("蔡林记", "cailinji"),
        ("武汉市洪山区华科", "hust"), ("湖北省武汉市武大", "whu"), ("去武汉大学看樱花", "whu"), ("省博看曾侯乙编钟", "hbm"),
        ("湖北省武汉市洪山区珞喻路1037号", "hust"), ("武汉市洪山区珞喻路152号", "ccnu"), ("湖北省武汉市武昌区八一路299号", "whu"),
        ("武汉市珞喻路1037号", "hust"), ("湖北省武汉市江岸区沿江大道188号", "whgov"), ("武昌区东湖路160号", "hbm"),
    ]

    @Test("address and element aliases, POI names and address points", arguments: pointCases)
    func alias(_ text: String, _ id: String) {
        let result = Fixture.gazetteer.geocode(text)
        #expect(result.isSuccess, "\(text): \(result.failure?.description ?? "")")
        #expect(result.addressPointID == id, "\(text): \(result.notes)")
        #expect(result.precision == .addressPoint)
        #expect(result.score >= 0.8)
    }

    @Test("an address point's codes come from its standard address")
    func codes() {
        let result = Fixture.gazetteer.geocode("华科")
        #expect(result.code(at: .county) == "420111")
        #expect(result.code(at: .city) == "420100")
        #expect(result.standardAddress == "湖北省武汉市洪山区珞喻路1037号")
    }

    @Test("an alias that points to an address text or a division")
    func addressAndDivisionTargets() {
        let valley = Fixture.gazetteer.geocode("光谷")
        #expect(valley.code(at: .township) == "420111002")
        let wuhan = Fixture.gazetteer.geocode("大武汉")
        #expect(wuhan.code(at: .city) == "420100")
        #expect(wuhan.precision == .city)
    }

    @Test("a road without a known number gives the road")
    func road() {
        let result = Fixture.gazetteer.geocode("湖北省武汉市洪山区珞喻路")
        #expect(result.precision == .road)
        #expect(result.pointPrecision == .road)
        #expect(result.code(at: .county) == "420111")
    }

    @Test("an alias contradicted by the divisions in the text is not used")
    func contradicted() {
        let result = Fixture.gazetteer.geocode("北京市华科")
        #expect(result.addressPointID != "hust")
    }

    @Test("the address table's GCJ-02 rows are converted to CGCS2000")
    func gcjRow() throws {
        let point = try #require(Fixture.gazetteer.geocode("蔡林记").point)
        #expect(abs(point.lon - 114.28) > 1e-4 && abs(point.lon - 114.28) < 0.01)
    }

    @Test("aliases can be removed and added back by change")
    func removal() {
        var gazetteer = Fixture.gazetteer
        gazetteer.apply(.aliasRemoved(kind: .address, text: "华科", scopeCode: "420100"))
        #expect(gazetteer.geocode("华科").addressPointID == nil)
        gazetteer.apply(.aliasAdded(Alias(kind: .address, text: "华科", target: .addressPoint(id: "hust"), scopeCode: "420100")))
        #expect(gazetteer.geocode("华科").addressPointID == "hust")
    }

    @Test("a retired address point is no longer found")
    func retired() {
        var gazetteer = Fixture.gazetteer
        gazetteer.apply(.addressPointRetired(id: "whut", on: GazetteerDate(year: 2020, month: 1, day: 1)!))
        #expect(gazetteer.geocode("湖北省武汉市洪山区珞狮路122号").addressPointID == nil)
        var asOf2019 = GeocodeOptions()
        asOf2019.asOf = GazetteerDate(year: 2019, month: 6, day: 1)
        #expect(gazetteer.geocode("湖北省武汉市洪山区珞狮路122号", options: asOf2019).addressPointID == "whut")
    }
}

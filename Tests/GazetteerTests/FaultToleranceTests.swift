import Gazetteer
import Testing

@Suite("Fault tolerance")
struct FaultToleranceTests {
    static let homophones: [Expectation] = [
        Expectation("湖北省武汉市红山区", "420111"),
        Expectation("武汗市洪山区", "420100", "420111"),
        Expectation("湖北省武汉市武唱区", "420106"),
        Expectation("湖北省武汉市桥口区", "420104"),
        Expectation("湖北省武汉市江夏区纸方街道", "420115", "420115001"),
        Expectation("湖北省武汉市洪山区络南街道", "420111", "420111001"),
        Expectation("湖北省武汉市黄披区", "420116"),
        Expectation("湖北省一昌市夷陵区", "420500", "420506"),
        Expectation("湖北省武汉市江厦区", "420115"),
        Expectation("湖北省武汉市汉杨区", "420105"),
        Expectation("湖北省黄岗市黄州区", "421100", "421102"),
        Expectation("湖北省武汉市青山区红钢成街道", "420107", "420107004"),
    ]

    static let traditional: [Expectation] = [
        Expectation("湖北省武漢市洪山區", "420100", "420111"),
        Expectation("湖北省襄陽市樊城區", "420600", "420606"),
        Expectation("武漢市江漢區", "420103"),
        Expectation("湖北省黃岡市黃州區", "421102"),
        Expectation("廣東省東莞市", "441900"),
        Expectation("湖北省鹹寧市", "421200"),
        Expectation("湖北省武漢市漢陽區", "420105"),
        Expectation("湖北省武漢市東西湖區", "420112"),
        Expectation("湖北省武漢市黃陂區前川街道", "420116", "420116001"),
        Expectation("江蘇省南京市鼓樓區", "320106"),
        Expectation("湖北省武漢市洪山區珞南街道", "420111001"),
        Expectation("湖北省恩施土家族苗族自治州利川市", "422802"),
    ]

    static let levelWords: [Expectation] = [
        Expectation("武汉市洪山县", "420111"),
        Expectation("武汉市江夏县", "420115"),
        Expectation("武汉市洪山区珞南镇", "420111001"),
        Expectation("武汉市黄陂区木兰镇", "420116201"),
        Expectation("武汉市新洲区凤凰街道", "420117102"),
        Expectation("湖北省恩施州", "422800"),
        Expectation("湖北省大冶县", "420281"),
        Expectation("武汉市蔡甸区消泗镇", "420114200"),
        Expectation("湖北省仙桃县", "429004"),
        Expectation("武汉市洪山区天兴镇", "420111205"),
        Expectation("武汉市新洲区邾城镇", "420117001"),
        Expectation("武汉市江夏区纸坊镇", "420115001"),
    ]

    static let typos: [Expectation] = [
        Expectation("湖北省武汉市洪止区", "420111"),
        Expectation("湖北省武汉市江夏区纸坊衔道", "420115001"),
        Expectation("湖北省宜昌市夷陆区", "420506"),
        Expectation("湖北省武汉市东西胡区", "420112"),
        Expectation("湖北省武汉市黄陂区滠囗街道", "420116005"),
        Expectation("湖北省武汉市新洲区邾成街道", "420117001"),
        Expectation("湖北省 武汉市 洪山区　珞喻路１０３７号", "420111"),
        Expectation("湖北省，武汉市，洪山区（珞喻路）", "420111"),
    ]

    @Test("homophones (same pinyin, other characters)", arguments: homophones)
    func homophone(_ expectation: Expectation) {
        let result = Fixture.gazetteer.geocode(expectation.address)
        check(result, expectation)
        #expect(result.score < 0.95, "a corrected match is not fully confident")
    }

    @Test("traditional and variant characters", arguments: traditional)
    func traditionalCharacters(_ expectation: Expectation) {
        check(Fixture.gazetteer.geocode(expectation.address), expectation, minimumScore: 0.8)
    }

    @Test("synonyms of level words (区/县, 街道/镇/乡)", arguments: levelWords)
    func levelWordSynonyms(_ expectation: Expectation) {
        check(Fixture.gazetteer.geocode(expectation.address), expectation)
    }

    @Test("common typos and noise", arguments: typos)
    func typo(_ expectation: Expectation) {
        check(Fixture.gazetteer.geocode(expectation.address), expectation, minimumScore: 0.4)
    }

    @Test("full-width digits are read as digits")
    func fullWidthDigits() {
        #expect(Fixture.gazetteer.geocode("湖北省武汉市洪山区珞喻路１０３７号").parts.number == "1037")
    }

    @Test("corrections are reported and lower the score")
    func correctionNotes() {
        let exact = Fixture.gazetteer.geocode("湖北省武汉市洪山区")
        let corrected = Fixture.gazetteer.geocode("湖北省武汉市红山区")
        #expect(corrected.score < exact.score)
        #expect(corrected.notes.contains { $0.contains("homophone") || $0.contains("corrected") })
    }
}

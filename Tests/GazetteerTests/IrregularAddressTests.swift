import Gazetteer
import Testing

@Suite("Irregular and incomplete addresses")
struct IrregularAddressTests {
    static let cases: [Expectation] = [
        Expectation("武汉市洪山区珞喻路1037号", "420000", "420100", "420111"),
        Expectation("洪山区珞南街道", "420000", "420100", "420111", "420111001"),
        Expectation("武汉洪山珞喻路", "420100", "420111"),
        Expectation("湖北武汉武昌", "420100", "420106"),
        Expectation("武昌区中南路街道", "420106", "420106011"),
        Expectation("珞南街道珞喻路", "420111", "420111001"),
        Expectation("黄陂木兰乡", "420116", "420116201"),
        Expectation("江夏区纸坊", "420115", "420115001"),
        Expectation("恩施州利川市", "422800", "422802"),
        Expectation("长阳县", "420528"),
        Expectation("仙桃", "429004"),
        Expectation("襄阳樊城", "420600", "420606"),
        Expectation("宜昌夷陵区", "420500", "420506"),
        Expectation("大冶", "420281"),
        Expectation("武汉市江岸区后湖街道后湖大道", "420102", "420102017"),
        Expectation("湖北省洪山区", "420100", "420111"),
        Expectation("湖北武汉东西湖", "420112"),
        Expectation("东西湖区金银湖街道", "420112", "420112014"),
        Expectation("北京朝阳区", "110000", "110105"),
        Expectation("长春市朝阳区", "220100", "220104"),
        Expectation("南京鼓楼", "320100", "320106"),
        Expectation("徐州市鼓楼区", "320300", "320302"),
        Expectation("福州鼓楼区", "350102"),
        Expectation("杭州西湖区", "330100", "330106"),
        Expectation("南昌市西湖区", "360100", "360103"),
        Expectation("洪山区三星村", "420111", "420111012"),
        Expectation("收货地址：湖北省武汉市青山区", "420107"),
        Expectation("中国湖北省武汉市汉阳区", "420105"),
        Expectation("武汉市黄陂区", "420116"),
        Expectation("新洲阳逻", "420117", "420117002"),
        Expectation("蔡甸区侏儒山街道", "420114004"),
        Expectation("东莞", "441900"),
        // Abbreviations that are no prefix of the name (JioNLP's short names): 陈巴尔虎旗, 塔什库尔干塔吉克自治县, 克孜勒苏柯尔克孜自治州.
        Expectation("内蒙古呼伦贝尔陈旗", "150700", "150725"), Expectation("新疆喀什塔县", "653100", "653131"), Expectation("新疆克州阿图什市", "653000", "653001"),
    ]

    @Test("missing levels are inferred and duplicate names decided by context", arguments: cases)
    func irregular(_ expectation: Expectation) {
        check(Fixture.gazetteer.geocode(expectation.address), expectation)
    }

    @Test("inferred levels are reported")
    func inferenceNote() {
        let result = Fixture.gazetteer.geocode("洪山区珞南街道")
        #expect(result.notes.contains { $0.hasPrefix("inferred:") && $0.contains("湖北省") && $0.contains("武汉市") })
    }
}

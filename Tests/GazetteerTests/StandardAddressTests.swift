import Gazetteer
import Testing

@Suite("Standard addresses")
struct StandardAddressTests {
    static let cases: [Expectation] = [
        Expectation("湖北省武汉市洪山区珞南街道珞喻路1037号", "420000", "420100", "420111", "420111001"),
        Expectation("湖北省武汉市武昌区中南路街道中南路99号", "420000", "420100", "420106", "420106011"),
        Expectation("湖北省武汉市江岸区大智街道中山大道1号", "420100", "420102", "420102002"),
        Expectation("湖北省武汉市江汉区民族街道", "420103", "420103001"),
        Expectation("湖北省武汉市硚口区宗关街道解放大道", "420104", "420104003"),
        Expectation("湖北省武汉市汉阳区四新街道", "420105", "420105012"),
        Expectation("湖北省武汉市青山区红钢城街道", "420107", "420107004"),
        Expectation("湖北省武汉市东西湖区吴家山街道", "420112", "420112001"),
        Expectation("湖北省武汉市汉南区纱帽街道", "420113", "420113001"),
        Expectation("湖北省武汉市蔡甸区沌口街道", "420114", "420114008"),
        Expectation("湖北省武汉市江夏区纸坊街道", "420115", "420115001"),
        Expectation("湖北省武汉市黄陂区前川街道", "420116", "420116001"),
        Expectation("湖北省武汉市新洲区邾城街道", "420117", "420117001"),
        Expectation("湖北省武汉市新洲区凤凰镇", "420117", "420117102"),
        Expectation("湖北省武汉市黄陂区木兰乡七里冲村", "420116", "420116201"),
        Expectation("湖北省武汉市洪山区九峰街道三星村", "420111", "420111012"),
        Expectation("湖北省黄石市大冶市", "420200", "420281"),
        Expectation("湖北省宜昌市长阳土家族自治县", "420500", "420528"),
        Expectation("湖北省恩施土家族苗族自治州恩施市", "422800", "422801"),
        Expectation("湖北省仙桃市", "420000", "429004"),
        Expectation("湖北省神农架林区", "429021"),
        Expectation("湖北省襄阳市樊城区", "420600", "420606"),
        Expectation("湖北省十堰市郧阳区", "420300", "420304"),
        Expectation("湖北省荆州市监利市", "421000", "421088"),
        Expectation("湖北省随州市随县", "421300", "421321"),
        Expectation("湖北省黄冈市黄州区", "421100", "421102"),
        Expectation("湖北省咸宁市赤壁市", "421200", "421281"),
        Expectation("湖北省孝感市汉川市", "420900", "420984"),
        Expectation("北京市朝阳区", "110000", "110105"),
        Expectation("吉林省长春市朝阳区", "220100", "220104"),
        Expectation("江苏省南京市鼓楼区", "320100", "320106"),
        Expectation("江苏省徐州市鼓楼区", "320300", "320302"),
        Expectation("福建省福州市鼓楼区", "350100", "350102"),
        Expectation("河南省开封市鼓楼区", "410200", "410204"),
        Expectation("浙江省杭州市西湖区", "330100", "330106"),
        Expectation("江西省南昌市西湖区", "360100", "360103"),
        Expectation("上海市浦东新区", "310000", "310115"),
        Expectation("广东省东莞市", "440000", "441900"),
        Expectation("内蒙古自治区赤峰市红山区", "150400", "150402"),
        Expectation("辽宁省朝阳市朝阳县", "211300", "211321"),
    ]

    @Test("full addresses resolve every level", arguments: cases)
    func standard(_ expectation: Expectation) {
        check(Fixture.gazetteer.geocode(expectation.address), expectation, minimumScore: 0.8)
    }

    @Test("the remainder is split into road, number, building, unit and room")
    func remainder() {
        let result = Fixture.gazetteer.geocode("湖北省武汉市洪山区珞南街道珞喻路1037号3栋2单元501室")
        #expect(result.parts.road == "珞喻路")
        #expect(result.parts.number == "1037")
        #expect(result.parts.building == "3栋")
        #expect(result.parts.unit == "2单元")
        #expect(result.parts.room == "501室")
    }

    @Test("a village is matched under its township and named in the standard address")
    func village() {
        let result = Fixture.gazetteer.geocode("湖北省武汉市黄陂区木兰乡七里冲村")
        #expect(result.precision == .village)
        #expect(result.admin.last?.name == "七里冲村")
        #expect(result.code(at: .village)?.hasPrefix("420116201-") == true)
        #expect(result.standardAddress == "湖北省武汉市黄陂区木兰乡七里冲村")
    }

    @Test("the point is in EPSG:4490 near the county's seat and says which level it stands for")
    func point() throws {
        let result = Fixture.gazetteer.geocode("湖北省武汉市江夏区纸坊街道")
        let point = try #require(result.point)
        #expect(result.precision == .township)
        #expect(result.pointPrecision == .county)
        #expect(abs(point.lon - 114.32) < 0.05 && abs(point.lat - 30.35) < 0.05)
    }
}

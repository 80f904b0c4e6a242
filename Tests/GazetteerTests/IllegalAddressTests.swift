import Gazetteer
import Testing

@Suite("Illegal and out-of-range input")
struct IllegalAddressTests {
    @Test("empty input", arguments: ["", "   ", "，，，", "!!!@@@", "\n\t"])
    func empty(_ text: String) {
        #expect(Fixture.gazetteer.geocode(text).failure == .empty)
    }

    @Test(
        "gibberish finds no place",
        arguments: [
            "啊啊啊啊啊", "asdfghjkl", "1234567", "今天天气很好", "火星殖民地第一大道", "qwerty 123", "哈哈哈哈", "我爱吃苹果", "Lorem ipsum dolor",
            "？？？？", "一二三四五", "的的的的", "￥￥￥100", "abc@example.com", "喵喵喵", "zzzzzz",
        ])
    func gibberish(_ text: String) {
        let result = Fixture.gazetteer.geocode(text)
        #expect(!result.isSuccess, "\(text) → \(result.standardAddress ?? "") \(result.score)")
        #expect(result.point == nil)
        #expect(result.failure != nil)
    }

    @Test(
        "places outside the configured region (Wuhan) fail with the place found",
        arguments: [
            "北京市朝阳区建国路88号", "湖北省宜昌市夷陵区", "广东省东莞市", "上海市浦东新区", "吉林省长春市朝阳区", "江苏省南京市鼓楼区", "湖北省襄阳市樊城区",
            "浙江省杭州市西湖区", "湖北省仙桃市", "湖北省恩施土家族苗族自治州恩施市", "内蒙古自治区赤峰市红山区", "福建省福州市鼓楼区",
        ])
    func outsideRegion(_ text: String) {
        let result = Fixture.gazetteer.geocode(text, options: GeocodeOptions(region: ["420100"]))
        guard case .outsideRegion(let found, let region) = result.failure else {
            Issue.record("\(text) → \(result.failure?.description ?? "success: \(result.standardAddress ?? "")")")
            return
        }
        #expect(!found.isEmpty)
        #expect(region == "湖北省武汉市")
        #expect(result.point == nil)
    }

    @Test("places inside the region succeed with the region set")
    func insideRegion() {
        let result = Fixture.gazetteer.geocode("洪山区珞南街道", options: GeocodeOptions(region: ["420100"]))
        #expect(result.code(at: .township) == "420111001")
    }

    @Test("a region resolves duplicate names")
    func regionDisambiguates() {
        #expect(Fixture.gazetteer.geocode("朝阳区", options: GeocodeOptions(region: ["110000"])).code(at: .county) == "110105")
        #expect(Fixture.gazetteer.geocode("朝阳区", options: GeocodeOptions(region: ["220000"])).code(at: .county) == "220104")
    }

    @Test("duplicate names without context are ambiguous, not guessed", arguments: ["朝阳区", "鼓楼区", "西湖区"])
    func ambiguous(_ text: String) {
        let result = Fixture.gazetteer.geocode(text)
        guard case .ambiguous(let candidates) = result.failure else {
            Issue.record("\(text) → \(result.failure?.description ?? "success: \(result.standardAddress ?? "")")")
            return
        }
        #expect(candidates.count >= 2)
    }

    @Test("self-contradicting addresses are not answered with a confident point", arguments: ["北京市洪山区", "湖北省朝阳区", "上海市江夏区", "广东省洪山区"])
    func contradictions(_ text: String) {
        let result = Fixture.gazetteer.geocode(text)
        #expect(!result.isSuccess || result.score < 0.6, "\(text) → \(result.standardAddress ?? "") \(result.score)")
    }

    @Test("a duplicate county under one province narrows to the province")
    func commonAncestor() {
        // 江苏省 has two 鼓楼区 (南京, 徐州).
        let result = Fixture.gazetteer.geocode("江苏省鼓楼区")
        #expect(result.isSuccess)
        #expect(result.code(at: .province) == "320000")
        #expect(result.code(at: .county) == nil)
        #expect(result.score < 0.8)
    }

    // 朝阳 is a township of 沙市区 (朝阳街道 in JioNLP's list, 朝阳路街道 in the MCA list), no county of 湖北省.
    @Test("a township's name written as a county, without its county, names a county that is nowhere", arguments: ["湖北省朝阳区", "湖北省荆州市朝阳区幸福路1号"])
    func townshipAsCounty(_ text: String) {
        let result = Fixture.gazetteer.geocode(text)
        #expect(!result.isSuccess, "\(text) → \(result.standardAddress ?? "") \(result.score)")
        #expect(result.failure?.description.contains("朝阳区") == true, "\(result.failure?.description ?? "")")
    }
}

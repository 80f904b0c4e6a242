import Foundation
import Gazetteer
import Geodesy
import Testing

/// Over the whole fetched data set (scripts/fetch-gazetteer-data). Opt in: these run when
/// SHIKONG_GAZETTEER_DATA names the data directory, since building the full engine in a debug build
/// takes a minute or two.
@Suite("Full public data", .enabled(if: FullData.directory != nil))
struct FullDataTests {
    @Test("counts, national geocodes and every county seat in its own boundary")
    func fullData() throws {
        let directory = try #require(FullData.directory)
        let data = PackagedData(directory: directory)
        let gazetteer = Gazetteer(characters: try data.characterTables(), changes: try data.changes(transformer: CoordinateTransformer()))
        let counts = gazetteer.counts
        // The MCA list (2,845 counties, 38,723 townships), plus what only JioNLP's list has: historic
        // counties merged away since, farms, zones and dissolved townships.
        #expect(counts[.province] == 33 && counts[.city] == 333)
        #expect(gazetteer.divisions.filter { $0.level == .county && $0.validity.isCurrent }.count == 2845)
        #expect(gazetteer.divisions.filter { $0.level == .township && !$0.code.contains("-J") }.count == 38723)
        #expect((counts[.township] ?? 0) > 44_000)
        let issue = gazetteer.geocode("河南省许昌市魏都区七里店街道和平路139号")
        #expect(issue.admin.last?.name == "七里店街道")
        #expect(issue.standardAddress == "河南省许昌市魏都区七里店街道和平路139号")
        // Units only JioNLP's list has, with their short names; a county that is nowhere fails.
        #expect(gazetteer.geocode("新疆维吾尔自治区阿拉尔市十团").admin.last?.name == "兵团十团")
        #expect(gazetteer.geocode("黑龙江省佳木斯市富锦市七星农场").admin.last?.name == "七星农场")
        #expect(gazetteer.geocode("湖北省朝阳区").failure != nil)
        #expect((counts[.village] ?? 0) > 500_000)
        #expect(gazetteer.boundaries.count > 2_800)
        let cases = [
            ("广东省深圳市南山区粤海街道科技园", "440305007"), ("浙江省杭州市西湖区灵隐街道", "330106003"), ("四川省成都市武侯区浆洗街街道", "510107001"),
            ("新疆维吾尔自治区乌鲁木齐市天山区燕儿窝街道", "650102002"), ("湖北省武汉市洪山区珞南街道", "420111001"),
        ]
        for (text, township) in cases {
            let result = gazetteer.geocode(text)
            #expect(result.code(at: .township) == township, "\(text): \(result.admin)")
        }
        var inside = 0
        var total = 0
        for division in gazetteer.divisions where division.level == .county && gazetteer.boundaries[division.code] != nil {
            guard let center = division.center else { continue }
            total += 1
            if gazetteer.reverse(center, maxDistance: 0).admin.contains(where: { $0.code == division.code }) { inside += 1 }
        }
        #expect(total > 2_500)
        #expect(Double(inside) / Double(total) > 0.97, "\(inside) of \(total) county seats fall in their own boundary")
    }
}

enum FullData {
    static let directory: URL? = {
        guard let path = ProcessInfo.processInfo.environment["SHIKONG_GAZETTEER_DATA"] else { return nil }
        let url = URL(fileURLWithPath: path)
        return FileManager.default.fileExists(atPath: url.appendingPathComponent("divisions.json").path) ? url : nil
    }()
}

/// Short names of divisions (湖北省 → 湖北, 武汉市 → 武汉, 洪山区 → 洪山, 恩施土家族苗族自治州 → 恩施,
/// 长阳土家族自治县 → 长阳, 湖北口回族乡 → 湖北口) and the level words that may follow them.
enum ShortNames {
    /// The short name of a division, or nil when stripping would leave fewer than two characters
    /// (城区, 郊区, 盘县 keep only their full names).
    static func shortName(of name: String, level: AdminLevel) -> String? {
        var stem = name
        for suffix in suffixes(level) where stem.hasSuffix(suffix) && stem.count > suffix.count {
            stem.removeLast(suffix.count)
            break
        }
        var stripped = true
        while stripped {
            stripped = false
            for ethnic in ethnicGroups where stem.hasSuffix(ethnic + "族") && stem.count > ethnic.count + 1 {
                stem.removeLast(ethnic.count + 1)
                stripped = true
                break
            }
        }
        if stem.hasSuffix("各") && stem.count > 2 { stem.removeLast() }
        guard stem != name, stem.count >= 2 else { return nil }
        return stem
    }

    /// Official suffixes by level, longest first.
    static func suffixes(_ level: AdminLevel) -> [String] {
        switch level {
        case .province: ["特别行政区", "自治区", "省", "市"]
        case .city: ["自治州", "地区", "盟", "市"]
        case .county: ["自治旗", "自治县", "林区", "特区", "新区", "区", "县", "市", "旗"]
        case .township: ["街道办事处", "民族苏木", "民族乡", "街道", "苏木", "镇", "乡"]
        case .village: ["村民委员会", "居民委员会", "村委会", "居委会", "社区", "村"]
        }
    }

    /// Words that name a level in addresses, official or not (区/县, 街道/镇/乡 are used
    /// interchangeably by people), longest first.
    static func levelWords(_ level: AdminLevel) -> [[UInt32]] { levelWordTable[level.rawValue - 1] }

    private static let levelWordTable: [[[UInt32]]] = [
        ["特别行政区", "自治区", "省", "市"],
        ["自治州", "地区", "州", "盟", "市"],
        ["自治旗", "自治县", "林区", "特区", "新区", "区", "县", "市", "旗"],
        ["街道办事处", "街道办", "办事处", "民族乡", "街道", "街办", "苏木", "镇", "乡", "街"],
        ["村民委员会", "居民委员会", "村委会", "居委会", "社区", "村"],
    ].map { $0.map(\.scalarValues) }

    /// The 55 recognised minority nationalities (without 族), longest first so that 蒙古 wins over 蒙.
    static let ethnicGroups: [String] = [
        "乌孜别克", "柯尔克孜", "达斡尔", "鄂温克", "鄂伦春", "俄罗斯", "维吾尔", "哈萨克", "塔吉克", "塔塔尔", "蒙古", "布依", "朝鲜",
        "土家", "哈尼", "傈僳", "高山", "拉祜", "东乡", "纳西", "景颇", "仫佬", "布朗", "撒拉", "毛南", "仡佬", "锡伯", "阿昌", "普米",
        "德昂", "保安", "裕固", "独龙", "赫哲", "门巴", "珞巴", "基诺", "回", "藏", "苗", "彝", "壮", "满", "侗", "瑶", "白", "傣", "黎",
        "佤", "畲", "水", "土", "羌", "怒", "京",
    ].sorted { $0.count > $1.count }
}

/// A division the address names explicitly — a name ending in a level word (…市, …区, …县) — that the
/// gazetteer does not know. A made-up `洪山湾市金沙区幸福路1号` shares words with real places (洪山区,
/// 金沙县); reading it as one of them would place an address that is nowhere.
struct UnknownDivision: Sendable {
    /// The name as written, e.g. `洪山湾市`.
    var name: String
    /// The division it was written under, if the address names one.
    var within: Int32?
    /// Where the name ends in the normalised text.
    var end: Int
}

extension Gazetteer {
    /// Level words that end the names of provinces, cities and counties, longest first.
    static let divisionWords: [[UInt32]] = ["特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "省", "市", "区", "县", "州", "盟", "旗"]
        .map(\.scalarValues)
    /// Level words of townships.
    static let townshipWords: [[UInt32]] = ["街道", "镇", "乡"].map(\.scalarValues)
    /// Names ending in these are zones, districts of a town or parts of an address, not divisions.
    static let zoneEndings: [[UInt32]] = [
        "开发区", "高新区", "新区", "园区", "工业区", "产业区", "景区", "城区", "市区", "小区", "社区", "校区", "厂区", "矿区", "保税区",
        "自贸区", "试验区", "示范区", "度假区", "管理区", "港区", "片区", "商业区", "住宅区", "生活区", "功能区", "集聚区", "市辖区", "街区",
        "林区", "垦区", "牧区", "库区", "山区", "郊区", "老区", "中心区", "核心区", "办事处",
    ].map(\.scalarValues)
    /// Characters that, right after 市/区/县, make a common word rather than a name (市场, 区域, 县城…).
    static let wordContinuations: Set<UInt32> = Set("场民政委中内郊域间城直属辖级府里外道界".unicodeScalars.map(\.value))

    /// The first division the text names explicitly that is not in the chain: written before or
    /// between the matched divisions, as a short name run on into another name (洪山湾市), or right
    /// after a matched province or city where a county or city would stand.
    func unknownDivision(in text: [UInt32], links: [Candidate], position: Int, candidates: [Candidate]) -> UnknownDivision? {
        guard let first = links.first else { return nil }
        // Before and between the matched divisions.
        var stretchStart = 0
        var parent: Int32?
        for link in links {
            if let token = explicitName(in: text, from: stretchStart, endingAt: link.start) {
                return UnknownDivision(name: String(scalars: token), within: parent, end: link.start)
            }
            stretchStart = link.end
            parent = link.division
        }
        // A short name of a province, city or county that runs on into another name: 洪山 + 湾市.
        for link in links where link.level <= .county && isBareShortName(link) {
            guard !links.contains(where: { $0.start == link.end }), !candidates.contains(where: { $0.start == link.end }) else { continue }
            for extra in 1...3 {
                guard link.end + extra < text.count, isCJK(text[link.end + extra - 1]) else { break }
                guard let word = Self.divisionWords.first(where: { RemainderParser.matches(text[...], at: link.end + extra, $0) }) else { continue }
                let end = link.end + extra + word.count
                if endsInZone(text, end) || (end < text.count && Self.wordContinuations.contains(text[end])) { break }
                if candidates.contains(where: { $0.start == link.start && $0.end == end }) { break }
                return UnknownDivision(
                    name: String(scalars: text[link.start..<end]), within: link.division == first.division ? nil : first.division, end: end)
            }
        }
        // After a province or city: a county or city name that is not one.
        guard let deepest = links.last, deepest.level <= .city, !candidates.contains(where: { $0.start == position }) else { return nil }
        var end = position
        while end < text.count, end - position < 6, isCJK(text[end]) {
            end += 1
            guard end - position >= 2,
                Self.divisionWords.contains(where: { $0.count < end - position && RemainderParser.matches(text[...], at: end - $0.count, $0) })
            else { continue }
            if endsInZone(text, end) || (end < text.count && Self.wordContinuations.contains(text[end])) { return nil }
            return UnknownDivision(name: String(scalars: text[position..<end]), within: deepest.division, end: end)
        }
        return nil
    }

    /// A township the text names right after a county that has no township of that name.
    func unknownTownship(in text: [UInt32], at position: Int) -> String? {
        var end = position
        while end < text.count, end - position < 7, isCJK(text[end]) {
            end += 1
            for word in Self.townshipWords where word.count < end - position && RemainderParser.matches(text[...], at: end - word.count, word) {
                return String(scalars: text[position..<end])
            }
        }
        return nil
    }

    /// The name written in `text[start..<end]` when it ends in a division's level word, is more than
    /// that word, and is not a zone: the last few characters before `end`.
    private func explicitName(in text: [UInt32], from start: Int, endingAt end: Int) -> ArraySlice<UInt32>? {
        guard end - start >= 2, let word = Self.divisionWords.first(where: { RemainderParser.matches(text[...], at: end - $0.count, $0) }),
            end - word.count > start, !endsInZone(text, end)
        else { return nil }
        var begin = end - word.count
        while begin > start, end - begin < 7, isCJK(text[begin - 1]) { begin -= 1 }
        return begin < end - word.count ? text[begin..<end] : nil
    }

    private func endsInZone(_ text: [UInt32], _ end: Int) -> Bool {
        Self.zoneEndings.contains { RemainderParser.matches(text[...], at: end - $0.count, $0) }
    }

    /// A short name matched without its level word (洪山 of 洪山区).
    private func isBareShortName(_ link: Candidate) -> Bool {
        switch link.kind {
        case .short: true
        case .homophone: link.length < forms[Int(link.division)].full.count && forms[Int(link.division)].short?.count == link.length
        default: false
        }
    }

    @inline(__always)
    func isCJK(_ scalar: UInt32) -> Bool { (0x3400...0x9FFF).contains(scalar) || (0x20000...0x3134F).contains(scalar) }
}

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
    /// Whether a matched division follows right after it (宁波市鄞县|新明街道), as an old name would.
    var isAdjacent: Bool
}

extension Gazetteer {
    /// Level words that end the names of provinces, cities and counties, longest first.
    static let divisionWords: [[UInt32]] = ["特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "省", "市", "区", "县", "州", "盟", "旗"]
        .map(\.scalarValues)
    static let qu = "区".scalarValues
    /// Level words of townships.
    static let townshipWords: [[UInt32]] = ["街道", "镇", "乡"].map(\.scalarValues)
    /// Names ending in these are zones, districts of a town or parts of an address, not divisions.
    static let zoneEndings: [[UInt32]] = [
        "开发区", "高新区", "新区", "园区", "工业区", "产业区", "景区", "小区", "社区", "校区", "厂区", "矿区", "保税区", "自贸区", "试验区",
        "示范区", "度假区", "管理区", "港区", "片区", "商业区", "住宅区", "生活区", "功能区", "集聚区", "市辖区", "街区", "林区", "垦区", "牧区",
        "库区", "郊区", "老区", "中心区", "核心区", "旅游区", "保护区", "名胜区", "服务区", "商务区", "经济区", "合作区", "实验区", "办事处",
        "营区", "院区", "站区", "场区",
    ].map(\.scalarValues)
    /// Characters that, right after a level word, make a common word rather than end a name (市场,
    /// 市区, 区域, 县城…).
    static let wordContinuations: [UInt32: Set<UInt32>] = [
        "市": "场民政委中郊区辖级府界直属", "区": "域间政委级府", "县": "城委政级府直属", "州": "府", "省": "委政级府直属",
    ].reduce(into: [:]) { table, entry in
        table[entry.key.unicodeScalars.first!.value] = Set(entry.value.unicodeScalars.map(\.value))
    }

    /// The first division the text names explicitly that is not in the chain: written before or
    /// between the matched divisions, as a name run on into another one (洪山 + 湾市, 绛县 + 区), or right
    /// after a matched province or city where a county or city would stand.
    func unknownDivision(in text: [UInt32], links: [Candidate], position: Int, candidates: [Candidate]) -> UnknownDivision? {
        guard let first = links.first else { return nil }
        func isKnown(_ start: Int, _ end: Int) -> Bool { candidates.contains { $0.start == start && $0.end == end } }
        // Before and between the matched divisions: a name ending in a level word, perhaps followed by
        // a character or two that belong to nothing (俄双山市 + 找 + 高坪区).
        var stretchStart = 0
        var parent: Int32?
        for link in links {
            for trailing in 0...2 where link.start - trailing > stretchStart {
                guard trailing == 0 || isCJK(text[link.start - trailing]) else { break }
                if let token = explicitName(in: text, from: stretchStart, endingAt: link.start - trailing), !isKnown(token.startIndex, token.endIndex)
                {
                    return UnknownDivision(name: String(scalars: token), within: parent, end: token.endIndex, isAdjacent: trailing == 0)
                }
            }
            stretchStart = link.end
            parent = link.division
        }
        for (index, link) in links.enumerated() where link.level <= .township {
            guard !links.contains(where: { $0.start == link.end }) else { continue }
            // A short name run on into a level word of its own: 绛县 + 区 (not 江苏省 + 市, a form's 省市区).
            // A township's short name before 区 is the area around it (嘎栋区 for 嘎栋街道) when the
            // address names its county; without it, 湖北省朝阳区 names a county that is nowhere, not
            // the township 朝阳街道.
            let isTownshipArea = link.level == .township && links.contains { $0.division == parentID[Int(link.division)] }
            if link.length <= 2 || (link.level == .township && isBareShortName(link)), let word = divisionWord(at: link.end, in: text),
                link.level <= .county || word != Self.qu || !isTownshipArea,
                !isKnown(link.end, link.end + word.count),
                !endsInZone(text, link.end + word.count) && !continues(text, link.end + word.count)
            {
                return UnknownDivision(
                    name: String(scalars: text[link.start..<(link.end + word.count)]), within: index > 0 ? links[index - 1].division : nil,
                    end: link.end + word.count, isAdjacent: false)
            }
            // A short name run on into another name: 洪山 + 湾市.
            guard isBareShortName(link) else { continue }
            for extra in 1...3 {
                guard link.end + extra < text.count, isCJK(text[link.end + extra - 1]) else { break }
                guard let word = Self.divisionWords.first(where: { RemainderParser.matches(text[...], at: link.end + extra, $0) }) else { continue }
                let end = link.end + extra + word.count
                if endsInZone(text, end) || continues(text, end) || isKnown(link.start, end) { break }
                return UnknownDivision(
                    name: String(scalars: text[link.start..<end]), within: link.division == first.division ? nil : first.division, end: end,
                    isAdjacent: false)
            }
        }
        // After a province, city or county: a county or city name that is not one (a name of another
        // province's county is passed over: the address then names a place that is nowhere).
        guard let deepest = links.last, deepest.level <= .county else { return nil }
        // A place under it written with another level word (嘎栋区 for 嘎栋街道) is no unknown division.
        if candidates.contains(where: { $0.start == position && isAncestor(deepest.division, of: $0.division) }) { return nil }
        var end = position
        while end < text.count, end - position < 6, isCJK(text[end]) {
            end += 1
            guard end - position >= 2, let word = divisionWord(endingAt: end, in: text), word.count < end - position else { continue }
            if endsInZone(text, end) || continues(text, end) { return nil }
            if let known = candidates.first(where: { $0.start == position && $0.end == end }) {
                if isAncestor(deepest.division, of: known.division) { return nil }
                continue
            }
            return UnknownDivision(name: String(scalars: text[position..<end]), within: deepest.division, end: end, isAdjacent: false)
        }
        return nil
    }

    private func divisionWord(at start: Int, in text: [UInt32]) -> [UInt32]? {
        Self.divisionWords.first { RemainderParser.matches(text[...], at: start, $0) }
    }

    private func divisionWord(endingAt end: Int, in text: [UInt32]) -> [UInt32]? {
        Self.divisionWords.first { RemainderParser.matches(text[...], at: end - $0.count, $0) }
    }

    /// Whether the character at `index` makes a common word with the level word before it (市场, 县城).
    private func continues(_ text: [UInt32], _ index: Int) -> Bool {
        index > 0 && index < text.count && Self.wordContinuations[text[index - 1]]?.contains(text[index]) == true
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
        guard end - start >= 2, let word = divisionWord(endingAt: end, in: text), end - word.count > start, !endsInZone(text, end)
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

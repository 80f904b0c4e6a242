import Gazetteer

/// A small deterministic random number generator (SplitMix64), so runs are comparable.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// One generated address and its ground truth.
struct GeneratedAddress: Sendable {
    var text: String
    var countyCode: String
    var countyName: String
    var townshipCode: String
    var townshipName: String
    var perturbations: [String]
    /// The road, number and room appended after the divisions (before any traditional rewriting).
    var remainder: String
}

/// Generates realistic addresses from the real division list: a random township, written with
/// missing levels, short names, level-word synonyms, homophones, traditional characters, villages
/// and road/number remainders, keeping the truth.
struct AddressGenerator {
    let gazetteer: Gazetteer
    let townships: [Division]
    let villagesByTownship: [String: [String]]
    let homophones: [UInt32: [UInt32]]
    let traditional: [UInt32: UInt32]
    /// `parent|name` of every division, so that a rewritten name never names a sibling (梅里斯镇
    /// written 梅里斯街道 would be another township).
    let siblingNames: Set<String>
    var random = SeededGenerator(state: 20_261_125)

    static let roads = ["解放路", "人民路", "建设大道", "中山路", "长江路", "和平街", "胜利路", "文化路", "新华路", "光明街", "朝阳路", "幸福大道", "工业园路", "滨江大道", "青年路"]

    init(gazetteer: Gazetteer) {
        self.gazetteer = gazetteer
        townships = gazetteer.divisions.filter { $0.level == .township && $0.validity.isCurrent }
        var villages: [String: [String]] = [:]
        for division in gazetteer.divisions where division.level == .village {
            if let parent = division.parentCode { villages[parent, default: []].append(division.currentName) }
        }
        villagesByTownship = villages
        // Homophones people type by mistake are common characters: those of place names.
        var common = Set<UInt32>()
        for division in gazetteer.divisions where division.level <= .township {
            for scalar in division.currentName.unicodeScalars { common.insert(scalar.value) }
        }
        var bySound: [UInt16: [UInt32]] = [:]
        for (scalar, syllable) in gazetteer.characters.pinyin where common.contains(scalar) {
            bySound[syllable, default: []].append(scalar)
        }
        var homophones: [UInt32: [UInt32]] = [:]
        for (scalar, syllable) in gazetteer.characters.pinyin where (0x4E00...0x9FFF).contains(scalar) {
            homophones[scalar] = bySound[syllable, default: []].filter { $0 != scalar }.sorted()
        }
        self.homophones = homophones
        var traditional: [UInt32: UInt32] = [:]
        for (from, to) in gazetteer.characters.simplified where traditional[to] == nil { traditional[to] = from }
        self.traditional = traditional
        siblingNames = Set(gazetteer.divisions.map { "\($0.parentCode ?? "")|\($0.currentName)" })
    }

    mutating func next() -> GeneratedAddress {
        let township = townships[Int(random.next() % UInt64(townships.count))]
        let chain = gazetteer.lineage(code: township.code)
        var parts: [(level: AdminLevel, text: String)] = []
        var applied: [String] = []
        for division in chain {
            let name = division.currentName
            let short = division.names.last?.shortName
            var text = name
            if division.level <= .city, short != nil, chance(0.3) {
                text = short ?? name
                applied.append("short")
            } else if division.level == .county, let short, chance(0.15) {
                let words = ["区", "县", "市"].filter { !name.hasSuffix($0) }
                text = short + (words.randomElement(using: &random) ?? "")
                applied.append("level word")
            } else if division.level == .township, let short, chance(0.15) {
                let words = ["街道", "镇", "乡"].filter { !name.hasSuffix($0) }
                text = short + (words.randomElement(using: &random) ?? "")
                applied.append("level word")
            }
            if text != name, siblingNames.contains("\(division.parentCode ?? "")|\(text)") {
                text = name
                applied.removeLast()
            }
            parts.append((division.level, text))
        }
        if chance(0.3), parts.first?.level == .province {
            parts.removeFirst()
            applied.append("no province")
        }
        if chance(0.2), let index = parts.firstIndex(where: { $0.level == .city }) {
            parts.remove(at: index)
            applied.append("no city")
        }
        if chance(0.1), let index = parts.firstIndex(where: { $0.level == .county || $0.level == .township }) {
            if let changed = substituteHomophone(parts[index].text) {
                parts[index].text = changed
                applied.append("homophone")
            }
        }
        var text = parts.map(\.text).joined()
        if chance(0.2), let villages = villagesByTownship[township.code], !villages.isEmpty {
            text += villages[Int(random.next() % UInt64(villages.count))]
            applied.append("village")
        }
        var remainder = ""
        if chance(0.7) {
            remainder = Self.roads[Int(random.next() % UInt64(Self.roads.count))] + String(1 + random.next() % 999) + "号"
            if chance(0.3) { remainder += String(1 + random.next() % 30) + "栋" + String(101 + random.next() % 2_000) + "室" }
            text += remainder
            applied.append("road")
        }
        if chance(0.1) {
            text = String(String.UnicodeScalarView(text.unicodeScalars.map { Unicode.Scalar(traditional[$0.value] ?? $0.value) ?? $0 }))
            applied.append("traditional")
        }
        if chance(0.05) {
            text = ["地址：", "收货地址 ", "中国"].randomElement(using: &random).map { $0 + text } ?? text
            applied.append("prefix")
        }
        let county = chain.last { $0.level == .county } ?? chain.last { $0.level == .city }
        return GeneratedAddress(
            text: text, countyCode: county?.code ?? "", countyName: county?.currentName ?? "", townshipCode: township.code,
            townshipName: township.currentName, perturbations: applied, remainder: remainder)
    }

    private mutating func chance(_ probability: Double) -> Bool {
        Double(random.next() % 1_000_000) / 1_000_000 < probability
    }

    /// Replaces one character (not the level word) with another of the same first reading.
    private mutating func substituteHomophone(_ text: String) -> String? {
        var scalars = Array(text.unicodeScalars)
        guard scalars.count >= 3 else { return nil }
        let index = Int(random.next() % UInt64(scalars.count - 1))
        guard let options = homophones[scalars[index].value], !options.isEmpty,
            let replacement = Unicode.Scalar(options[Int(random.next() % UInt64(options.count))])
        else { return nil }
        scalars[index] = replacement
        return String(String.UnicodeScalarView(scalars))
    }
}

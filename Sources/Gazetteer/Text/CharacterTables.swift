/// Character data for fault-tolerant matching: traditional and variant characters → simplified
/// (from OpenCC's `TSCharacters.txt`) and toneless pinyin of each character (from pypinyin's
/// `pinyin_dict.json`), both parsed at load and kept in the engine snapshot.
public struct CharacterTables: Sendable, Hashable {
    /// Traditional or variant scalar → simplified scalar.
    public var simplified: [UInt32: UInt32]
    /// Scalar → id of its first (most common) toneless pinyin syllable, an index into ``syllables``.
    public var pinyin: [UInt32: UInt16]
    /// Scalar → ids of its other readings (厦: xia besides sha), for homophones under a known parent.
    public var otherReadings: [UInt32: [UInt16]]
    /// Toneless syllables, e.g. `hong`.
    public var syllables: [String]

    public init(
        simplified: [UInt32: UInt32] = [:], pinyin: [UInt32: UInt16] = [:], otherReadings: [UInt32: [UInt16]] = [:], syllables: [String] = []
    ) {
        self.simplified = simplified
        self.pinyin = pinyin
        self.otherReadings = otherReadings
        self.syllables = syllables
    }

    /// No fault-tolerance data: exact matching only.
    public static let empty = CharacterTables()

    /// Parses OpenCC's `TSCharacters.txt` (`繁<TAB>简 [简…]` per line; the first candidate wins).
    public mutating func addTraditional(openCC text: String) {
        for line in text.split(whereSeparator: \.isNewline) {
            let fields = line.split(whereSeparator: { $0 == "\t" || $0 == " " })
            guard fields.count >= 2, let from = fields[0].unicodeScalars.first, fields[0].unicodeScalars.count == 1,
                let to = fields[1].unicodeScalars.first, fields[1].unicodeScalars.count == 1, from != to
            else { continue }
            simplified[from.value] = to.value
        }
    }

    /// Parses `syllable<TAB>characters` lines (first readings) and `syllable<TAB>*characters` lines
    /// (other readings), the compact form the test fixtures keep.
    public mutating func addPinyin(table text: String) {
        var ids: [String: UInt16] = Dictionary(uniqueKeysWithValues: syllables.enumerated().map { ($1, UInt16($0)) })
        for line in text.split(whereSeparator: \.isNewline) {
            let fields = line.split(separator: "\t", maxSplits: 1)
            guard fields.count == 2 else { continue }
            let syllable = String(fields[0])
            let id = ids[syllable] ?? UInt16(syllables.count)
            if ids[syllable] == nil {
                ids[syllable] = id
                syllables.append(syllable)
            }
            if fields[1].hasPrefix("*") {
                for scalar in fields[1].dropFirst().unicodeScalars { otherReadings[scalar.value, default: []].append(id) }
            } else {
                for scalar in fields[1].unicodeScalars where pinyin[scalar.value] == nil { pinyin[scalar.value] = id }
            }
        }
    }

    /// Adds pypinyin's readings (`{"27946": "hóng,gōng", …}`, code point → comma-separated readings
    /// with tone marks): the first reading, without tone, is the character's syllable.
    public mutating func addPinyin(pypinyin readings: [String: String]) {
        var ids: [String: UInt16] = Dictionary(uniqueKeysWithValues: syllables.enumerated().map { ($1, UInt16($0)) })
        for (key, value) in readings {
            guard let code = UInt32(key) else { continue }
            var seen: [UInt16] = []
            for reading in value.split(separator: ",") {
                let syllable = Self.toneless(reading)
                guard !syllable.isEmpty else { continue }
                let id = ids[syllable] ?? UInt16(syllables.count)
                if ids[syllable] == nil {
                    ids[syllable] = id
                    syllables.append(syllable)
                }
                guard !seen.contains(id) else { continue }
                if seen.isEmpty { pinyin[code] = id } else { otherReadings[code, default: []].append(id) }
                seen.append(id)
            }
        }
    }

    /// `hóng` → `hong`, `lǜ` → `lv`.
    static func toneless<S: StringProtocol>(_ reading: S) -> String {
        var result = ""
        for scalar in reading.unicodeScalars {
            switch scalar {
            case "ā", "á", "ǎ", "à": result.append("a")
            case "ē", "é", "ě", "è", "ê", "ế", "ề": result.append("e")
            case "ī", "í", "ǐ", "ì": result.append("i")
            case "ō", "ó", "ǒ", "ò": result.append("o")
            case "ū", "ú", "ǔ", "ù": result.append("u")
            case "ü", "ǖ", "ǘ", "ǚ", "ǜ": result.append("v")
            case "ń", "ň", "ǹ": result.append("n")
            case "ḿ": result.append("m")
            default:
                if scalar.isASCII, scalar.properties.isAlphabetic { result.unicodeScalars.append(scalar) }
            }
        }
        return result
    }

    /// Whether two scalars share a reading.
    func soundAlike(_ a: UInt32, _ b: UInt32) -> Bool {
        guard let first = pinyin[a], let second = pinyin[b] else { return false }
        if first == second { return true }
        let others = otherReadings[b] ?? []
        if others.contains(first) { return true }
        for reading in otherReadings[a] ?? [] where reading == second || others.contains(reading) { return true }
        return false
    }

    /// The simplified form of a scalar (itself when it has none).
    @inline(__always)
    func simplify(_ scalar: UInt32) -> UInt32 { simplified[scalar] ?? scalar }
}

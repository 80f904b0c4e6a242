/// A division name found in the text.
struct Candidate: Sendable {
    enum Kind: UInt8, Sendable {
        case full, shortWithLevelWord, shortWithSynonym, short, homophone, typo
    }

    var start: Int
    var end: Int
    var division: Int32
    var level: AdminLevel
    var kind: Kind
    /// Matched a former name that had expired on the query date.
    var isFormer: Bool
    /// Quality of the match per character, in (0, 1].
    var factor: Double

    var length: Int { end - start }
    /// The candidate's own weight: characters covered times quality, plus a small level prior so that
    /// a province beats a same-named town.
    var weight: Double { Double(length) * factor + Double(6 - level.rawValue) * 0.01 }
}

extension Gazetteer {
    /// Every division name in the text: exact names, short names (with any level word that follows),
    /// former names, and homophones of province, city and county names.
    func candidates(in text: [UInt32], on day: GazetteerDate?) -> [Candidate] {
        var found: [Candidate] = []
        var exactKeys = Set<Int64>()
        let today = day ?? GazetteerDate.today
        for start in 0..<text.count {
            names.matches(in: text, from: start) { end, entries in
                for entry in entries {
                    guard let candidate = candidate(entry, start: start, end: end, kind: entry.isShort ? .short : .full, on: day, today: today)
                    else { continue }
                    exactKeys.insert(Int64(start) << 40 | Int64(end) << 32 | Int64(entry.division))
                    append(candidate, text: text, to: &found)
                }
            }
        }
        guard !characters.pinyin.isEmpty else { return found }
        let syllables = text.map { characters.pinyin[$0].map(UInt32.init) ?? UInt32.max - 1 }
        for start in 0..<text.count where syllables[start] != UInt32.max - 1 {
            pinyinNames.matches(in: syllables, from: start) { end, entries in
                for entry in entries where !exactKeys.contains(Int64(start) << 40 | Int64(end) << 32 | Int64(entry.division)) {
                    guard let candidate = candidate(entry, start: start, end: end, kind: .homophone, on: day, today: today) else { continue }
                    append(candidate, text: text, to: &found)
                }
            }
        }
        return found
    }

    private func candidate(_ entry: NameEntry, start: Int, end: Int, kind: Candidate.Kind, on day: GazetteerDate?, today: GazetteerDate)
        -> Candidate?
    {
        let division = divisions[Int(entry.division)]
        if let day, !division.validity.contains(day) { return nil }
        let name = division.names[Int(entry.nameIndex)]
        if let from = name.validity.from, from > today { return nil }  // not yet bearing this name
        let isFormer = !name.validity.contains(today)
        var factor: Double
        switch kind {
        case .homophone: factor = entry.isShort ? 0.6 : 0.7
        case .short: factor = division.level >= .township ? 0.55 : 0.85
        default: factor = 1.0
        }
        if isFormer { factor *= 0.9 }
        return Candidate(
            start: start, end: end, division: entry.division, level: division.level, kind: kind, isFormer: isFormer, factor: factor)
    }

    /// Appends a candidate, and for a short name followed by a level word also the longer reading
    /// (洪山 + 区, or 洪山 + 县 for a 区: people use the words interchangeably).
    private func append(_ candidate: Candidate, text: [UInt32], to found: inout [Candidate]) {
        found.append(candidate)
        let division = divisions[Int(candidate.division)]
        let isShortForm = candidate.kind == .short || (candidate.kind == .homophone && isShortMatch(candidate, text: text))
        guard isShortForm else { return }
        let official = ShortNames.suffixes(division.level).first { division.currentName.hasSuffix($0) }?.scalarValues
        for word in ShortNames.levelWords(division.level) where RemainderParser.matches(text[...], at: candidate.end, word) {
            var extended = candidate
            extended.end += word.count
            let isOfficial = official == word
            if candidate.kind == .homophone {
                extended.factor = 0.7
            } else {
                extended.kind = isOfficial ? .shortWithLevelWord : .shortWithSynonym
                extended.factor = isOfficial ? 0.97 : 0.9
            }
            if candidate.isFormer { extended.factor *= 0.9 }
            found.append(extended)
            break
        }
    }

    /// Whether a homophone candidate matched a short name (shorter than the full name).
    private func isShortMatch(_ candidate: Candidate, text: [UInt32]) -> Bool {
        candidate.length < divisions[Int(candidate.division)].currentName.unicodeScalars.count
    }
}

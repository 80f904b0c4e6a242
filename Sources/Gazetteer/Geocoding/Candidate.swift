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
    /// Matched a former name that had expired on the query date (or a division that had ceased).
    var isFormer: Bool
    /// Which of the division's names matched (an index into `names`).
    var nameIndex: UInt8 = 0
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
        // A name that starts inside the full name of a county or above is part of it, not a mention
        // (城区 of 晋城市 inside 婺城区).
        let enclosing = found.filter { $0.kind == .full && $0.level <= .county && $0.length >= 3 }
        if !enclosing.isEmpty {
            found.removeAll { candidate in
                enclosing.contains { $0.start < candidate.start && candidate.end <= $0.end }
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
        let id = Int(entry.division)
        if let day, !divisions[id].validity.contains(day) { return nil }
        let validity = divisions[id].names[Int(entry.nameIndex)].validity
        if let from = validity.from, from > today { return nil }  // not yet bearing this name
        let isFormer = !validity.contains(today)
        let level = forms[id].level
        var factor: Double
        switch kind {
        case .homophone: factor = entry.isShort ? 0.6 : 0.7
        case .short: factor = level >= .township ? 0.55 : 0.85
        default: factor = 1.0
        }
        if isFormer { factor *= 0.9 }
        return Candidate(
            start: start, end: end, division: entry.division, level: level, kind: kind, isFormer: isFormer, nameIndex: entry.nameIndex,
            factor: factor)
    }

    /// Appends a candidate, and for a short name followed by a level word also the longer reading
    /// (洪山 + 区, or 洪山 + 县 for a 区: people use the words interchangeably).
    private func append(_ candidate: Candidate, text: [UInt32], to found: inout [Candidate]) {
        found.append(candidate)
        let forms = self.forms[Int(candidate.division)]
        let isShortForm = candidate.kind == .short || (candidate.kind == .homophone && candidate.length < forms.full.count)
        guard isShortForm else { return }
        for word in ShortNames.levelWords(candidate.level) where RemainderParser.matches(text[...], at: candidate.end, word) {
            var extended = candidate
            extended.end += word.count
            let isOfficial = forms.officialWord == word
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
}

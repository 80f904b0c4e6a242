extension Gazetteer {
    /// Places a free text that names places somewhere in it (a news item, a complaint, a post) rather
    /// than being an address (R-SP-3): finds the division names it mentions — full names, short names
    /// with a level word, and short names of provinces and cities; not homophones or typos, which free
    /// text is too full of — and picks the most specific place the mentions agree on. A mention counts
    /// for every place within it (湖北 … 武汉市洪山区 agree on 洪山区), and names written one after the
    /// other (武汉市洪山区) count more than names far apart. When unrelated places are mentioned equally,
    /// the result is their common mentioned ancestor, or an `ambiguous` failure. The chosen mention and
    /// the text right after it are then geocoded as an address, so a road or an address point written
    /// there is found too. Without any division name, an address or element alias in the text (武大,
    /// a shop's nickname) places it.
    public func extractPlace(from text: String, options: GeocodeOptions = GeocodeOptions()) -> GeocodeResult {
        let segments = Self.segments(text).map { normalizer.normalize($0) }.filter { !$0.isEmpty }
        guard !segments.isEmpty else { return GeocodeResult(query: text, failure: .empty) }
        let day = options.asOf
        let regionIDs = options.region.compactMap { idByCode[$0] }
        var mentions: [Mention] = []
        for (index, segment) in segments.enumerated() {
            for candidate in candidates(in: segment, on: day) where Self.isReliable(candidate) {
                mentions.append(Mention(segment: index, candidate: candidate))
            }
        }
        // Where one mention lies inside another (洪山 inside 洪山区), keep the longer.
        mentions = mentions.filter { mention in
            !mentions.contains { other in
                other.segment == mention.segment && other.candidate.length > mention.candidate.length
                    && other.candidate.start <= mention.candidate.start && other.candidate.end >= mention.candidate.end
            }
        }
        if mentions.isEmpty {
            for segment in segments {
                if let result = aliasResult(text: segment, query: text, options: options, chain: nil) {
                    var found = result
                    found.score = (found.score * 0.9 * 1000).rounded() / 1000
                    found.notes.insert("extracted from free text", at: 0)
                    return found
                }
            }
            return GeocodeResult(query: text, failure: .noPlaceFound)
        }

        let scored = mentions.map { mention in (mention, support(for: mention, among: mentions)) }
        let inRegion = regionIDs.isEmpty ? scored : scored.filter { entry in regionIDs.contains { isWithin(entry.0.candidate.division, $0) } }
        guard let top = inRegion.map(\.1).max() else {
            let deepest = scored.max { $0.1 < $1.1 }?.0.candidate.division ?? mentions[0].candidate.division
            return GeocodeResult(
                query: text,
                failure: .outsideRegion(found: fullName(deepest, on: day), region: regionIDs.map { fullName($0, on: day) }.joined(separator: "、")))
        }
        let best = inRegion.filter { $0.1 >= top - 1e-9 }.map(\.0)
        var chosen = best[0]
        var notes: [String] = []
        let distinct = Set(best.map(\.candidate.division))
        if distinct.count > 1 {
            // Equally supported, unrelated places: their common ancestor, if the text names it.
            let mentioned = Set(mentions.map(\.candidate.division))
            guard let common = commonAncestor(Array(distinct)), mentioned.contains(common),
                let ancestor = mentions.first(where: { $0.candidate.division == common })
            else {
                let names = distinct.prefix(6).map { "\(fullName($0, on: day)) (\(divisions[Int($0)].code))" }.sorted()
                return GeocodeResult(query: text, failure: .ambiguous(candidates: names))
            }
            notes.append("several places mentioned equally (\(distinct.count)); using what they share")
            chosen = ancestor
        }

        // Geocode the chosen place as an address, with what the text says right after it.
        let segment = segments[chosen.segment]
        let lineageIDs = lineage(chosen.candidate.division)
        var address: [UInt32] = lineageIDs.flatMap { normalizer.normalize(divisions[Int($0)].name(on: day)?.name ?? "") }
        address += segment[chosen.candidate.end...]
        var result = geocode(text: address, query: text, options: options, followAliases: true)
        let admitted = result.isSuccess && result.admin.contains { $0.code == divisions[Int(chosen.candidate.division)].code }
        if !admitted {
            // The words after the name led elsewhere (or nowhere): the place named is the answer.
            result = geocode(
                text: lineageIDs.flatMap { normalizer.normalize(divisions[Int($0)].name(on: day)?.name ?? "") }, query: text, options: options,
                followAliases: false)
        }
        guard result.isSuccess else { return result }
        let named = mentions.map { String(scalars: segments[$0.segment][$0.candidate.start..<$0.candidate.end]) }
        var seen = Set<String>()
        notes.insert("extracted from free text: " + named.filter { seen.insert($0).inserted }.joined(separator: ", "), at: 0)
        result.notes = notes + result.notes
        result.score = (min(result.score, 0.95) * 0.9 * 1000).rounded() / 1000
        if result.score < options.minimumScore {
            return GeocodeResult(
                query: text,
                failure: .lowConfidence(best: result.standardAddress ?? fullName(chosen.candidate.division, on: day), score: result.score),
                admin: result.admin, notes: result.notes)
        }
        return result
    }

    /// A division name found in one segment of a free text.
    struct Mention {
        var segment: Int
        var candidate: Candidate
    }

    /// How strongly the text supports a place: the weights of the mentions of it and of the places
    /// containing it (each division once), plus a link bonus for each such mention written right
    /// before another of them in the same segment.
    private func support(for mention: Mention, among mentions: [Mention]) -> Double {
        let target = mention.candidate.division
        let related = mentions.filter { isWithin(target, $0.candidate.division) }
        var total = 0.0
        var counted = Set<Int32>()
        for other in related.sorted(by: { $0.candidate.weight > $1.candidate.weight }) where counted.insert(other.candidate.division).inserted {
            total += other.candidate.weight
        }
        for first in related {
            if related.contains(where: {
                $0.segment == first.segment && $0.candidate.division != first.candidate.division && $0.candidate.start >= first.candidate.end
                    && $0.candidate.start - first.candidate.end <= 1
            }) {
                total += Self.linkBonus
            }
        }
        return total
    }

    /// Free text is full of two-character words that are also short names of townships and counties
    /// (和平, 新华, 长安): only full names, short names followed by a level word, and short names of
    /// provinces and cities count.
    private static func isReliable(_ candidate: Candidate) -> Bool {
        switch candidate.kind {
        case .full, .shortWithLevelWord, .shortWithSynonym: candidate.length >= 2
        case .short: candidate.level <= .city && candidate.length >= 2
        case .homophone, .typo: false
        }
    }

    /// The clauses of a text: split at sentence and clause punctuation and line breaks, which the
    /// address normaliser would otherwise drop and so join names across sentences.
    static func segments(_ text: String) -> [String] {
        var segments: [String] = []
        var current = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if separators.contains(scalar.value) {
                if !current.isEmpty { segments.append(String(current)) }
                current = String.UnicodeScalarView()
            } else {
                current.append(scalar)
            }
        }
        if !current.isEmpty { segments.append(String(current)) }
        return segments
    }

    private static let separators: Set<UInt32> = Set("，。；！？、,.;!?\n\r\t：:（）()【】[]「」“”\"".unicodeScalars.map(\.value))
}

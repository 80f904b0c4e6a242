import Foundation

extension Gazetteer {
    /// Geocodes one address: segments it into divisions and a remainder, corrects what it can,
    /// infers missing levels, and finds the address point or road when the address layer has it.
    public func geocode(_ query: String, options: GeocodeOptions = GeocodeOptions()) -> GeocodeResult {
        let text = normalizer.normalize(query)
        guard !text.isEmpty else { return GeocodeResult(query: query, failure: .empty) }
        return geocode(text: text, query: query, options: options, followAliases: true)
    }

    func geocode(text: [UInt32], query: String, options: GeocodeOptions, followAliases: Bool) -> GeocodeResult {
        let day = options.asOf
        let regionIDs = options.region.compactMap { idByCode[$0] }
        let all = candidates(in: text, on: day)
        let inRegion = regionIDs.isEmpty ? all : all.filter { candidate in regionIDs.contains { isWithin(candidate.division, $0) } }
        let ranked = chains(inRegion)

        if followAliases, let aliased = aliasResult(text: text, query: query, options: options, chain: ranked.first) {
            return aliased
        }
        if !regionIDs.isEmpty, let outside = chains(all).first, let deepest = outside.deepest,
            !regionIDs.contains(where: { isWithin(deepest.division, $0) }), outside.score >= (ranked.first?.score ?? 0) + 1.0
        {
            return GeocodeResult(
                query: query, failure: .outsideRegion(found: fullName(deepest.division, on: day), region: regionNames(regionIDs, on: day)))
        }
        guard var chain = ranked.first, let best = chain.deepest else {
            return GeocodeResult(query: query, failure: .noPlaceFound)
        }
        var notes: [String] = []
        var quality = 1.0
        let readLinks = chain.links

        // Rival readings as good as the best one, about unrelated places.
        let rivals = ranked.dropFirst().prefix(64).filter { rival in
            guard let other = rival.deepest, rival.score >= chain.score - Self.rivalMargin else { return false }
            return !isWithin(other.division, best.division) && !isWithin(best.division, other.division)
        }
        if !rivals.isEmpty {
            let deepestIDs = [best.division] + rivals.compactMap(\.deepest?.division)
            let common = commonAncestor(deepestIDs)
            let matchedCommon = common.flatMap { id in chain.links.firstIndex { $0.division == id } }
            guard let matchedCommon else {
                let names = Array(Set(deepestIDs)).prefix(6).map { "\(fullName($0, on: day)) (\(divisions[Int($0)].code))" }.sorted()
                let levels = Set(deepestIDs.map { divisions[Int($0)].level })
                if levels.count > 1, rivals.allSatisfy({ !overlaps($0, chain) }) {
                    return GeocodeResult(query: query, failure: .conflicting(details: names.joined(separator: " vs ")))
                }
                return GeocodeResult(query: query, failure: .ambiguous(candidates: names))
            }
            notes.append("ambiguous below \(divisions[Int(chain.links[matchedCommon].division)].currentName): \(deepestIDs.count) places match")
            chain.links.removeSubrange((matchedCommon + 1)...)
            quality *= 0.7
        }

        var position = chain.end
        // A level skipped between two links that the text names with a typo or a homophone
        // (长沙市幵福区芙蓉北路街道).
        var linkIndex = 0
        while linkIndex + 1 < chain.links.count {
            let upper = chain.links[linkIndex]
            let lower = chain.links[linkIndex + 1]
            if lower.start > upper.end, upper.level < .township, let child = fuzzyChild(of: upper.division, in: text, at: upper.end, on: day),
                child.end == lower.start
            {
                if isAncestor(child.division, of: lower.division) {
                    chain.links.insert(child, at: linkIndex + 1)
                    chain.gapCharacters -= child.length
                    notes.append("corrected \(String(scalars: text[child.start..<child.end])) to \(divisions[Int(child.division)].currentName)")
                } else if lower.kind == .short, lower.level == child.level {
                    // A short name right after a misspelt full one is the road or place after it (林刓街道青年路).
                    chain.links.replaceSubrange((linkIndex + 1)..., with: [child])
                    notes.append("corrected \(String(scalars: text[child.start..<child.end])) to \(divisions[Int(child.division)].currentName)")
                }
            }
            linkIndex += 1
        }
        // Children the text names with a typo or a homophone, under the matched parent — not where it
        // names a township of the parent that has ceased by the day, or one that has moved to a
        // neighbour: such a name is no typo of a sibling's (洪山区关东街道 is not 关山街道).
        while let deepest = chain.deepest, deepest.level < .township, position < text.count,
            !namesCeasedChild(of: deepest.division, in: text, at: position, on: day),
            deepest.level != .county || movedTownship(after: deepest, at: position, among: all) == nil,
            let child = fuzzyChild(of: deepest.division, in: text, at: position, on: day),
            // Not where the text names another county or above exactly (北京市洪山区 is no typo of 房山区);
            // a township of the same name elsewhere is no such evidence (回坪乡 under 衢江区 is 灰坪乡).
            !all.contains(where: {
                $0.start == child.start && $0.end == child.end && ($0.kind == .full || $0.kind == .shortWithLevelWord) && $0.level <= .county
            })
        {
            chain.links.append(child)
            notes.append("corrected \(String(scalars: text[child.start..<child.end])) to \(divisions[Int(child.division)].currentName)")
            position = child.end
        }
        // A township the text names under a county it has since left for a neighbour (临平街道, written
        // under 余杭区, is in 临平区 now): the neighbour's, when it is the only one.
        if let county = chain.deepest, county.level == .county, let township = movedTownship(after: county, at: position, among: all) {
            let now = divisions[Int(parentID[Int(township.division)])].currentName
            notes.append(
                "moved: \(divisions[Int(township.division)].currentName) is in \(now), not in \(divisions[Int(county.division)].currentName) as written"
            )
            chain.links.append(township)
            position = township.end
        }
        // A village under the matched township (or county).
        if let deepest = chain.deepest, deepest.level >= .county, deepest.level < .village,
            let village = village(under: deepest.division, in: text, at: position, on: day)
        {
            chain.links.append(village)
            position = village.end
        }

        guard let deepest = chain.deepest else { return GeocodeResult(query: query, failure: .noPlaceFound) }
        if let unknown = unknownDivision(in: text, links: chain.links, position: position, candidates: all) {
            // Named before a division the text names in full, it is an old or unofficial name of a
            // level the rest of the address decides (宁波市鄞县新明街道); otherwise nothing places it.
            let decided =
                unknown.isAdjacent
                && chain.links.contains { link in
                    link.start == unknown.end && link.length >= 3 && (link.kind == .full || link.kind == .shortWithLevelWord)
                }
            guard decided else {
                return GeocodeResult(
                    query: query, failure: .unknownDivision(name: unknown.name, within: unknown.within.map { fullName($0, on: day) }),
                    admin: unknown.within.map { self.admin(lineage($0), on: day) } ?? [], notes: notes)
            }
            notes.append("unrecognised: \(unknown.name) (an old or unofficial name?); placed by what follows it")
            quality *= 0.85
        }
        if deepest.level == .county, let township = unknownTownship(in: text, at: position) {
            notes.append("unknown township: \(township) is no township of \(fullName(deepest.division, on: day)) (kept the county)")
            quality *= 0.9
        }
        // A historic division the text names resolves to the one that carries it on, when that is clear.
        var placed = deepest.division
        let successorID = day == nil ? successor(of: deepest.division) : nil
        if let successorID {
            notes.append("historic: \(fullName(deepest.division, on: nil)) is now \(fullName(successorID, on: nil))")
            placed = successorID
        }
        for link in chain.links {
            switch link.kind {
            case .homophone:
                notes.append("homophone: \(String(scalars: text[link.start..<link.end])) read as \(divisions[Int(link.division)].currentName)")
            case .typo: break
            case .shortWithSynonym:
                notes.append("level word: \(String(scalars: text[link.start..<link.end])) read as \(divisions[Int(link.division)].currentName)")
            default: break
            }
            if link.isFormer, !(successorID != nil && link.division == deepest.division) { notes.append(formerNote(link)) }
        }
        let lineageIDs = lineage(placed)
        let matchedIDs = Set(chain.links.map(\.division))
        let inferred = lineageIDs.filter { !matchedIDs.contains($0) }
        if !inferred.isEmpty {
            notes.append("inferred: " + inferred.map { divisions[Int($0)].name(on: day)?.name ?? divisions[Int($0)].code }.joined(separator: ", "))
        }

        // Confidence.
        let covered = chain.links.reduce(0) { $0 + $1.length }
        let raw = chain.links.reduce(0.0) { $0 + Double($1.length) * $1.factor }
        quality *= covered > 0 ? raw / Double(covered) : 0
        if chain.links.count == 1 { quality *= deepest.level <= .county ? 0.9 : 0.7 }
        quality *= pow(0.93, Double(chain.gapCharacters))
        quality *= pow(0.97, Double(min(chain.leadCharacters, 10)))
        let conflicts = all.filter { candidate in
            candidate.kind != .homophone && candidate.kind != .short && candidate.length >= 3
                // After the divisions, only a full name of a county or above contradicts (和平街 is a road).
                && (candidate.start < chain.end || (candidate.kind == .full && candidate.level <= .county))
                && !readLinks.contains { overlapsRange($0, candidate) } && !chain.links.contains { overlapsRange($0, candidate) }
                && !lineageIDs.contains { isWithin($0, candidate.division) || isWithin(candidate.division, $0) }
                // Another township of the same county is a second mention, not a contradiction.
                && !(candidate.level == .township && parentID[Int(candidate.division)] == parentID[Int(placed)])
        }
        if !conflicts.isEmpty {
            quality *= pow(0.5, Double(conflicts.count))
            var seen = Set<String>()
            let ignored = conflicts.map { String(scalars: text[$0.start..<$0.end]) }.filter { seen.insert($0).inserted }
            notes.append("ignored: " + ignored.joined(separator: ", "))
        }

        var result = GeocodeResult(query: query)
        result.precision = GeocodePrecision(deepest.level)
        let remainder = RemainderParser.parse(text[position...])
        result.parts = remainder.parts
        var admin = lineageIDs
        if let (point, precision) = addressMatch(remainder, scope: placed, on: day) {
            result.point = point.point
            result.pointPrecision = precision
            result.precision = precision
            if precision == .addressPoint {
                result.standardAddress = point.standardAddress
                result.addressPointID = point.id
            }
            // The address layer may know the levels the text left out (a road names its county).
            if let code = point.divisionCode, let id = idByCode[code], isAncestor(placed, of: id) {
                let known = precision == .addressPoint ? id : addressScope(id)
                if isAncestor(placed, of: known) {
                    admin = lineage(known)
                    notes.append(
                        "inferred from the address layer: "
                            + admin.filter { !lineageIDs.contains($0) }.map { divisions[Int($0)].currentName }.joined(separator: ", "))
                }
            }
        } else if let (point, level) = representativePoint(placed) {
            result.point = point
            result.pointPrecision = GeocodePrecision(level)
        }
        result.admin = admin.map { id in
            let division = divisions[Int(id)]
            return AdminMatch(level: division.level, code: division.code, name: division.name(on: day)?.name ?? division.code)
        }
        result.notes = notes
        // The user's text after the divisions is never dropped: what the parser did not place stays.
        let rest = String(scalars: text[position...])
        if let standard = result.standardAddress {
            let after = remainder.matchedEnd.map { String(scalars: text[$0...]) } ?? ""
            result.standardAddress = standard + after
        } else {
            result.standardAddress = admin.map { divisions[Int($0)].name(on: day)?.name ?? "" }.joined() + rest
        }
        result.score = (min(1, quality) * 1000).rounded() / 1000
        if result.score < options.minimumScore {
            return GeocodeResult(
                query: query, failure: .lowConfidence(best: result.standardAddress ?? fullName(placed, on: day), score: result.score),
                admin: result.admin, notes: notes)
        }
        return result
    }

    // MARK: - Helpers

    /// The township named in full at `position` that is in another county of the same city as
    /// `county`, when there is exactly one.
    func movedTownship(after county: Candidate, at position: Int, among all: [Candidate]) -> Candidate? {
        let moved = all.filter { candidate in
            candidate.start == position && candidate.level == .township && candidate.length >= 3
                && (candidate.kind == .full || candidate.kind == .shortWithLevelWord) && !candidate.isFormer
                && parentID[Int(candidate.division)] != county.division
                && parentID[Int(parentID[Int(candidate.division)])] == parentID[Int(county.division)]
        }
        guard let township = moved.first, moved.allSatisfy({ $0.division == township.division }) else { return nil }
        return township
    }

    /// Whether the text names, in full at `position`, a child of `parent` that is not valid on the
    /// day (without a day, such children are candidates like any other).
    func namesCeasedChild(of parent: Int32, in text: [UInt32], at position: Int, on day: GazetteerDate?) -> Bool {
        guard let day else { return false }
        var found = false
        names.matches(in: text, from: position) { _, entries in
            if entries.contains(where: { !$0.isShort && parentID[Int($0.division)] == parent && !divisions[Int($0.division)].validity.contains(day) })
            {
                found = true
            }
        }
        return found
    }

    /// `湖北省武汉市洪山区` for a division, with the names valid on a day.
    func fullName(_ id: Int32, on day: GazetteerDate?) -> String {
        lineage(id).map { divisions[Int($0)].name(on: day)?.name ?? "" }.joined()
    }

    /// The note on a link that matched a former name, or a division that has ceased.
    func formerNote(_ link: Candidate) -> String {
        let division = divisions[Int(link.division)]
        let name = division.names[min(Int(link.nameIndex), division.names.count - 1)]
        let until = name.validity.to.map(String.init(describing:)) ?? "?"
        if let end = division.validity.to {
            let parent = division.parentCode.flatMap { idByCode[$0] }.map { divisions[Int($0)].currentName } ?? ""
            return
                "historic: \(name.name) is not in the division list of \(end) (dissolved or merged; its successor is not known), placed in \(parent)"
        }
        return "former name: \(name.name) (until \(until)), now \(division.currentName)"
    }

    private func regionNames(_ ids: [Int32], on day: GazetteerDate?) -> String {
        ids.map { fullName($0, on: day) }.joined(separator: "、")
    }

    func commonAncestor(_ ids: [Int32]) -> Int32? {
        guard let first = ids.first else { return nil }
        for candidate in lineage(first).reversed() where ids.allSatisfy({ isWithin($0, candidate) }) { return candidate }
        return nil
    }

    private func overlaps(_ rival: Chain, _ chain: Chain) -> Bool {
        rival.links.contains { link in chain.links.contains { overlapsRange($0, link) } }
    }

    private func overlapsRange(_ a: Candidate, _ b: Candidate) -> Bool { a.start < b.end && b.start < a.end }

    /// The point of a division, or of its nearest ancestor that has one.
    func representativePoint(_ id: Int32) -> (GeoPoint, AdminLevel)? {
        for ancestor in lineage(id).reversed() {
            if let center = divisions[Int(ancestor)].center { return (center, divisions[Int(ancestor)].level) }
        }
        return nil
    }
}

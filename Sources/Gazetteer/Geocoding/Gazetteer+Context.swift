extension Gazetteer {
    /// A child of `parent` that the text names at `position` with a homophone or a one-character
    /// typo, when exactly one child fits (children lists are short, so this is cheap and safe).
    func fuzzyChild(of parent: Int32, in text: [UInt32], at position: Int, on day: GazetteerDate?) -> Candidate? {
        var best: Candidate?
        var tie = false
        func consider(_ child: Int32, _ level: AdminLevel, _ end: Int, _ kind: Candidate.Kind) {
            let isFormer = day == nil && !divisions[Int(child)].validity.isCurrent
            let candidate = Candidate(
                start: position, end: end, division: child, level: level, kind: kind, isFormer: isFormer,
                factor: (kind == .homophone ? 0.7 : 0.5) * (isFormer ? 0.9 : 1))
            if let current = best {
                if candidate.weight > current.weight {
                    best = candidate
                    tie = false
                } else if candidate.weight == current.weight, current.division != candidate.division {
                    tie = true
                }
            } else {
                best = candidate
            }
        }
        for child in childIDs[Int(parent)] {
            let level = forms[Int(child)].level
            // Without a date, historic children count too (as former ones): old addresses name them.
            guard level <= .township, day.map({ divisions[Int(child)].validity.contains($0) }) ?? true else { continue }
            var full = forms[Int(child)].full
            var short = forms[Int(child)].short
            if let day, let name = divisions[Int(child)].name(on: day) {
                full = normalizer.normalize(name.name)
                short = name.shortName.map(normalizer.normalize).flatMap { $0.count >= 2 ? $0 : nil }
            }
            if let kind = fuzzyMatch(full, text, at: position, allowTypo: full.count >= 3, lastMayDiffer: false) {
                consider(child, level, position + full.count, kind)
            }
            guard let short else { continue }
            // The short name written with a homophone or a typo, then any level word (or none, for counties).
            guard let kind = fuzzyMatch(short, text, at: position, allowTypo: short.count >= 3, lastMayDiffer: true) else { continue }
            let end = position + short.count
            if let word = ShortNames.levelWords(level).first(where: { RemainderParser.matches(text[...], at: end, $0) }) {
                consider(child, level, end + word.count, kind)
            } else if level <= .county {
                consider(child, level, end, kind)
            }
        }
        return tie ? nil : best
    }

    /// `.homophone` when every character is the same or sounds the same (and one differs), `.typo`
    /// when exactly one character differs (not the last one, the level word, unless `lastMayDiffer`).
    private func fuzzyMatch(_ form: [UInt32], _ text: [UInt32], at position: Int, allowTypo: Bool, lastMayDiffer: Bool) -> Candidate.Kind? {
        guard position + form.count <= text.count else { return nil }
        var differences = 0
        var allSound = true
        var lastDiffers = false
        for offset in 0..<form.count {
            let a = form[offset]
            let b = text[position + offset]
            if a == b { continue }
            differences += 1
            if differences > 1, !allSound { return nil }
            if offset == form.count - 1 { lastDiffers = true }
            if characters.soundAlike(a, b) { continue }
            allSound = false
            if differences > 1 { return nil }
        }
        if differences == 0 { return nil }
        if allSound { return .homophone }
        if allowTypo, differences == 1, lastMayDiffer || !lastDiffers { return .typo }
        return nil
    }

    /// The village the text names at `position`, under a township or a county.
    func village(under parent: Int32, in text: [UInt32], at position: Int, on day: GazetteerDate?) -> Candidate? {
        let townships: [Int32]
        switch divisions[Int(parent)].level {
        case .township: townships = [parent]
        case .county, .city: townships = childIDs[Int(parent)].filter { divisions[Int($0)].level == .township }
        default: return nil
        }
        var found: [(id: Int32, end: Int)] = []
        for township in townships {
            guard let root = villageNames.existingSubRoot(UInt32(bitPattern: township)) else { continue }
            villageNames.matches(in: text, from: position, root: root) { end, ids in
                for id in ids where day.map({ divisions[Int(id)].validity.contains($0) }) ?? true { found.append((id, end)) }
            }
        }
        guard let longest = found.map(\.end).max() else { return nil }
        let best = found.filter { $0.end == longest }
        guard best.count == 1, let match = best.first, longest - position >= 2 else { return nil }
        return Candidate(start: position, end: match.end, division: match.id, level: .village, kind: .full, isFormer: false, factor: 1)
    }

    /// The division under which address points are indexed: the county, or the city for cities
    /// without counties.
    func addressScope(_ id: Int32) -> Int32 {
        for ancestor in lineage(id).reversed() where divisions[Int(ancestor)].level <= .county { return ancestor }
        return id
    }

    /// The address point (road and number) or the road the remainder names within a division.
    func addressMatch(_ remainder: RemainderParser.Parsed, scope: Int32, on day: GazetteerDate?) -> (AddressPoint, GeocodePrecision)? {
        guard let roadKey = remainder.roadKey, !addressPoints.isEmpty else { return nil }
        let road = String(scalars: roadKey)
        let number = remainder.numberKey.map { String(scalars: $0) }
        let scopes: [Int32]
        let base = addressScope(scope)
        if divisions[Int(base)].level < .county {
            scopes = [base] + childIDs[Int(base)].filter { divisions[Int($0)].level == .county }
        } else {
            scopes = [base]
        }
        let valid: (Int32) -> Bool = { self.isValid($0, day) }
        if let number {
            let hits = scopes.flatMap { addressesByNumber[NumberKey(county: $0, road: road, number: number)] ?? [] }.filter(valid)
            if let first = hits.first { return (addressPoints[Int(first)], .addressPoint) }
        }
        let roadHits = scopes.compactMap { scope -> (Int32, [Int32])? in
            let hits = (addressesByRoad[RoadKey(county: scope, road: road)] ?? []).filter(valid)
            return hits.isEmpty ? nil : (scope, hits)
        }
        guard roadHits.count == 1, let (_, hits) = roadHits.first, let first = hits.first else { return nil }
        var point = addressPoints[Int(first)]
        let lon = hits.reduce(0.0) { $0 + addressPoints[Int($1)].point.lon } / Double(hits.count)
        let lat = hits.reduce(0.0) { $0 + addressPoints[Int($1)].point.lat } / Double(hits.count)
        point.point = GeoPoint(lon: lon, lat: lat)
        return (point, .road)
    }

    private func isValid(_ id: Int32, _ day: GazetteerDate?) -> Bool {
        let validity = addressPoints[Int(id)].validity
        return day.map { validity.contains($0) } ?? validity.isCurrent
    }
}

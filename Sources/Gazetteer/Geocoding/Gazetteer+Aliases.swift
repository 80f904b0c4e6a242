extension Gazetteer {
    /// The result of an alias the text contains, when one applies: the longest alias in the text
    /// whose scope fits the divisions the text names (or that covers the whole text).
    func aliasResult(text: [UInt32], query: String, options: GeocodeOptions, chain: Chain?) -> GeocodeResult? {
        guard !aliases.isEmpty else { return nil }
        var found: [(start: Int, end: Int, key: AliasKey)] = []
        for start in 0..<text.count {
            aliasTrie.matches(in: text, from: start) { end, keys in
                for key in keys { found.append((start, end, key)) }
            }
        }
        let day = options.asOf
        // The divisions the text names outside an alias (武汉大学 contains 武汉, 武大 sounds like a
        // county) must agree with the alias's scope and target.
        func chainDivision(outside start: Int, _ end: Int) -> Int32? {
            chain?.links.last { $0.end <= start || $0.start >= end }?.division
        }
        let usable = found.compactMap { match -> (start: Int, end: Int, alias: Alias)? in
            guard let alias = aliases[match.key], day.map({ alias.validity.contains($0) }) ?? alias.validity.isCurrent else { return nil }
            if let scope = alias.scopeCode.flatMap({ idByCode[$0] }), let named = chainDivision(outside: match.start, match.end),
                !isWithin(named, scope) && !isWithin(scope, named)
            {
                return nil
            }
            return (match.start, match.end, alias)
        }
        guard
            let best = usable.max(by: {
                ($0.end - $0.start, $0.alias.kind == .address ? 1 : 0) < ($1.end - $1.start, $1.alias.kind == .address ? 1 : 0)
            })
        else { return nil }
        let coversAll = best.start == 0 && best.end == text.count
        // Divisions named outside the alias must agree with where the alias leads.
        var result: GeocodeResult
        switch best.alias.target {
        case .addressPoint(let id):
            guard let index = addressIDByKey[id] else { return nil }
            let point = addressPoints[Int(index)]
            result = GeocodeResult(query: query)
            let lineageIDs = point.divisionCode.flatMap { idByCode[$0] }.map(lineage) ?? []
            result.admin = admin(lineageIDs, on: day)
            result.point = point.point
            result.precision = .addressPoint
            result.pointPrecision = .addressPoint
            result.standardAddress = point.standardAddress
            result.addressPointID = point.id
            result.score = 0.95
        case .address(let address):
            result = geocode(text: normalizer.normalize(address), query: query, options: options, followAliases: false)
            guard result.isSuccess else { return nil }
        case .division(let code):
            guard let id = idByCode[code] else { return nil }
            result = GeocodeResult(query: query)
            let lineageIDs = lineage(id)
            result.admin = admin(lineageIDs, on: day)
            result.precision = GeocodePrecision(divisions[Int(id)].level)
            if let (point, level) = representativePoint(id) {
                result.point = point
                result.pointPrecision = GeocodePrecision(level)
            }
            result.standardAddress = lineageIDs.map { divisions[Int($0)].name(on: day)?.name ?? "" }.joined()
            result.score = 0.95
        }
        if let named = chainDivision(outside: best.start, best.end), let target = result.admin.last.flatMap({ idByCode[$0.code] }),
            !isWithin(target, named) && !isWithin(named, target)
        {
            return nil
        }
        if !options.region.isEmpty, let deepest = result.admin.last.flatMap({ idByCode[$0.code] }),
            !options.region.compactMap({ idByCode[$0] }).contains(where: { isWithin(deepest, $0) })
        {
            return nil
        }
        result.score = min(result.score, coversAll ? 0.95 : 0.85)
        let kind = best.alias.kind == .address ? "address alias" : "element alias"
        result.notes.insert("\(kind): \(best.alias.text) → \(result.standardAddress ?? "")", at: 0)
        return result
    }

    func admin(_ ids: [Int32], on day: GazetteerDate?) -> [AdminMatch] {
        ids.map { id in
            let division = divisions[Int(id)]
            return AdminMatch(level: division.level, code: division.code, name: division.name(on: day)?.name ?? division.code)
        }
    }

    /// Adds or replaces an address point: resolves its division, road and number from its standard
    /// address when the source did not give them, and indexes it (and its name, as an address alias).
    mutating func upsertAddress(_ input: AddressPoint) {
        var point = input
        let text = normalizer.normalize(point.standardAddress)
        if point.divisionCode == nil || point.road == nil {
            let best = chains(candidates(in: text, on: nil)).first
            var end = best?.end ?? 0
            if let deepest = best?.deepest {
                var division = deepest.division
                if deepest.level >= .county, deepest.level < .village, let village = village(under: deepest.division, in: text, at: end, on: nil) {
                    division = village.division
                    end = village.end
                }
                if point.divisionCode == nil { point.divisionCode = divisions[Int(division)].code }
            }
            let remainder = RemainderParser.parse(text[end...])
            if point.road == nil { point.road = remainder.parts.road }
            if point.number == nil { point.number = remainder.parts.number }
        }
        if let existing = addressIDByKey[point.id] {
            unindexAddress(existing)
            addressPoints[Int(existing)] = point
            indexAddress(existing)
        } else {
            let id = Int32(addressPoints.count)
            addressPoints.append(point)
            addressIDByKey[point.id] = id
            indexAddress(id)
        }
        if let name = point.name, !name.isEmpty {
            apply(.aliasAdded(Alias(kind: .address, text: name, target: .addressPoint(id: point.id), scopeCode: nil, validity: point.validity)))
        }
    }

    private func scopeAndRoad(_ id: Int32) -> (Int32, String)? {
        let point = addressPoints[Int(id)]
        guard let code = point.divisionCode, let division = idByCode[code], let road = point.road else { return nil }
        return (addressScope(division), String(scalars: normalizer.normalize(road)))
    }

    private mutating func indexAddress(_ id: Int32) {
        let point = addressPoints[Int(id)]
        pointGrid.insert(id, point.point)
        guard let (scope, road) = scopeAndRoad(id) else { return }
        addressesByRoad[RoadKey(county: scope, road: road), default: []].append(id)
        if let number = point.number.map({ String(scalars: normalizer.normalize($0)) }) {
            addressesByNumber[NumberKey(county: scope, road: road, number: number), default: []].append(id)
        }
    }

    private mutating func unindexAddress(_ id: Int32) {
        let point = addressPoints[Int(id)]
        pointGrid.remove(id, point.point)
        guard let (scope, road) = scopeAndRoad(id) else { return }
        addressesByRoad[RoadKey(county: scope, road: road)]?.removeAll { $0 == id }
        if let number = point.number.map({ String(scalars: normalizer.normalize($0)) }) {
            addressesByNumber[NumberKey(county: scope, road: road, number: number)]?.removeAll { $0 == id }
        }
    }
}

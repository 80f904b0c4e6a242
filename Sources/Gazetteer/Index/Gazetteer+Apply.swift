extension Gazetteer {
    /// Applies one change to the data and to every index, in place.
    public mutating func apply(_ change: GazetteerChange) {
        switch change {
        case .divisionUpserted(let division):
            upsert(division)
        case .divisionRenamed(let code, let name, let day):
            guard let id = idByCode[code] else { return }
            var division = divisions[Int(id)]
            for index in division.names.indices where division.names[index].validity.isCurrent {
                division.names[index].validity.to = day
            }
            var renamed = name
            if renamed.validity.from == nil { renamed.validity.from = day }
            division.names.append(renamed)
            replaceNames(id, with: division)
        case .formerNameAdded(let code, let name, let isRename):
            guard let id = idByCode[code] else { return }
            var division = divisions[Int(id)]
            guard !division.names.contains(name) else { return }
            if isRename, let end = name.validity.to {
                for index in division.names.indices where division.names[index].validity.isCurrent {
                    if division.names[index].validity.from.map({ $0 < end }) ?? true { division.names[index].validity.from = end }
                }
            }
            division.names.insert(name, at: 0)
            replaceNames(id, with: division)
        case .divisionRetired(let code, let day):
            guard let id = idByCode[code] else { return }
            divisions[Int(id)].validity.to = day
        case .centerSet(let code, let point):
            guard let id = idByCode[code] else { return }
            divisions[Int(id)].center = point
        case .boundarySet(let code, let boundary):
            boundaries[code] = boundary
            if let id = idByCode[code] {
                spatial.set(id, boundary)
                if divisions[Int(id)].center == nil { divisions[Int(id)].center = boundary.centroid }
            }
        case .addressPointUpserted(let point):
            upsertAddress(point)
        case .addressPointRetired(let id, let day):
            guard let index = addressIDByKey[id] else { return }
            addressPoints[Int(index)].validity.to = day
        case .aliasAdded(let alias):
            let key = AliasKey(kind: alias.kind, scopeCode: alias.scopeCode, text: String(scalars: normalizer.normalize(alias.text)))
            guard !key.text.isEmpty else { return }
            aliases[key] = alias
            aliasTrie.insert(key.text.scalarValues, key)
        case .aliasRemoved(let kind, let text, let scope):
            let key = AliasKey(kind: kind, scopeCode: scope, text: String(scalars: normalizer.normalize(text)))
            aliases[key] = nil
            aliasTrie.remove(key.text.scalarValues, key)
        }
    }

    /// Applies changes in order.
    public mutating func apply(contentsOf changes: some Sequence<GazetteerChange>) {
        for change in changes { apply(change) }
    }

    private mutating func upsert(_ division: Division) {
        if let id = idByCode[division.code] {
            let old = divisions[Int(id)]
            if old.parentCode != division.parentCode {
                if let oldParent = old.parentCode.flatMap({ idByCode[$0] }) { childIDs[Int(oldParent)].removeAll { $0 == id } }
                parentID[Int(id)] = -1
                link(id, to: division.parentCode)
            }
            var merged = division
            if merged.center == nil { merged.center = old.center }
            replaceNames(id, with: merged)
            return
        }
        let id = Int32(divisions.count)
        divisions.append(division)
        forms.append(NameForms(level: division.level, full: []))
        parentID.append(-1)
        childIDs.append([])
        idByCode[division.code] = id
        link(id, to: division.parentCode)
        for child in orphans.removeValue(forKey: division.code) ?? [] {
            unindexNames(child)
            parentID[Int(child)] = id
            childIDs[Int(id)].append(child)
            indexNames(child)
        }
        indexNames(id)
        if let boundary = boundaries[division.code] {
            spatial.set(id, boundary)
            if divisions[Int(id)].center == nil { divisions[Int(id)].center = boundary.centroid }
        }
    }

    private mutating func link(_ id: Int32, to parentCode: String?) {
        guard let parentCode else { return }
        if let parent = idByCode[parentCode] {
            parentID[Int(id)] = parent
            childIDs[Int(parent)].append(id)
        } else {
            orphans[parentCode, default: []].append(id)
        }
    }

    private mutating func replaceNames(_ id: Int32, with division: Division) {
        unindexNames(id)
        divisions[Int(id)] = division
        indexNames(id)
    }

    // Keys are collected first and inserted afterwards: mutating the tries from inside a closure
    // that a method of `self` runs would copy every index on each insertion.
    private mutating func indexNames(_ id: Int32) {
        forms[Int(id)] = nameForms(divisions[Int(id)])
        let parentRoot = UInt32(bitPattern: parentID[Int(id)])
        for (trie, key, entry, isPinyin) in nameKeys(id) {
            if trie == .village {
                let root = villageNames.subRoot(parentRoot)
                villageNames.insert(key, id, root: root)
            } else if isPinyin {
                pinyinNames.insert(key, entry)
            } else {
                names.insert(key, entry)
            }
        }
    }

    private mutating func unindexNames(_ id: Int32) {
        let parentRoot = UInt32(bitPattern: parentID[Int(id)])
        for (trie, key, entry, isPinyin) in nameKeys(id) {
            if trie == .village {
                if let root = villageNames.existingSubRoot(parentRoot) { villageNames.remove(key, id, root: root) }
            } else if isPinyin {
                pinyinNames.remove(key, entry)
            } else {
                names.remove(key, entry)
            }
        }
    }

    private func nameKeys(_ id: Int32) -> [(TrieKind, [UInt32], NameEntry, Bool)] {
        var keys: [(TrieKind, [UInt32], NameEntry, Bool)] = []
        forEachNameKey(id) { keys.append(($0, $1, $2, $3)) }
        return keys
    }

    private enum TrieKind { case names, village }

    /// Every key under which a division's names are indexed.
    private func forEachNameKey(_ id: Int32, _ body: (TrieKind, [UInt32], NameEntry, Bool) -> Void) {
        let division = divisions[Int(id)]
        for (index, name) in division.names.enumerated() {
            let full = normalizer.normalize(name.name)
            if division.level == .village {
                body(.village, full, NameEntry(division: id, nameIndex: UInt8(index), isShort: false), false)
                continue
            }
            let entry = NameEntry(division: id, nameIndex: UInt8(min(index, 255)), isShort: false)
            body(.names, full, entry, false)
            let short = name.shortName.map(normalizer.normalize)
            if let short, short.count >= 2, short != full {
                body(.names, short, NameEntry(division: id, nameIndex: entry.nameIndex, isShort: true), false)
            }
            // Homophones are looked up globally for provinces, cities and counties; townships and
            // villages only under a matched parent (there are too many to match anywhere).
            if division.level <= .county, !characters.pinyin.isEmpty {
                if let key = pinyinKey(full) { body(.names, key, entry, true) }
                if let short, short.count >= 2, short != full, let key = pinyinKey(short) {
                    body(.names, key, NameEntry(division: id, nameIndex: entry.nameIndex, isShort: true), true)
                }
            }
        }
    }

    func nameForms(_ division: Division) -> NameForms {
        let current = division.name(on: nil)
        let full = normalizer.normalize(current?.name ?? division.code)
        let short = current?.shortName.map(normalizer.normalize).flatMap { $0.count >= 2 && $0 != full ? $0 : nil }
        let word = ShortNames.suffixes(division.level).first { current?.name.hasSuffix($0) == true }.map(normalizer.normalize)
        return NameForms(level: division.level, full: full, short: short, officialWord: word)
    }

    /// The syllable ids of a scalar sequence, or nil if a scalar has no pinyin.
    func pinyinKey(_ scalars: some Collection<UInt32>) -> [UInt32]? {
        var key: [UInt32] = []
        key.reserveCapacity(scalars.count)
        for scalar in scalars {
            guard let syllable = characters.pinyin[scalar] else { return nil }
            key.append(UInt32(syllable))
        }
        return key
    }
}

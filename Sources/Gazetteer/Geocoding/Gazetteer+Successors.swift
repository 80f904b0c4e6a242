extension Gazetteer {
    /// The current division that carries on a historic one: the only current division of the same
    /// level bearing the same name within the same city (or province, for municipalities), e.g.
    /// 大竹林街道 of 渝北区 (merged away) → 大竹林街道 of 两江新区. Nil for a division still current, or
    /// when no such division, or several, exist.
    func successor(of id: Int32) -> Int32? {
        guard divisions[Int(id)].validity.to != nil else { return nil }
        let form = forms[Int(id)]
        let ancestors = lineage(id)
        guard let scope = ancestors.last(where: { forms[Int($0)].level == .city }) ?? ancestors.first, scope != id else { return nil }
        var found: Int32?
        var isUnique = true
        names.matches(in: form.full, from: 0) { end, entries in
            guard end == form.full.count else { return }
            for entry in entries where entry.division != id && !entry.isShort && forms[Int(entry.division)].level == form.level {
                let other = divisions[Int(entry.division)]
                guard other.validity.isCurrent, other.names[Int(entry.nameIndex)].validity.isCurrent, isWithin(entry.division, scope) else {
                    continue
                }
                if let found, found != entry.division { isUnique = false }
                found = entry.division
            }
        }
        return isUnique ? found : nil
    }
}

extension Gazetteer {
    /// Whether applying a change would leave the gazetteer as it is: the division, name, boundary,
    /// point or alias it carries is already there. A service that starts from a snapshot and then reads
    /// the whole change log skips these, so replaying what the snapshot already holds costs a comparison,
    /// not a re-index (and a rename seen twice is not applied twice).
    public func isNoOp(_ change: GazetteerChange) -> Bool {
        switch change {
        case .divisionUpserted(let division):
            guard let existing = self.division(code: division.code) else { return false }
            var incoming = division
            if incoming.center == nil { incoming.center = existing.center }
            return existing == incoming
        case .divisionRenamed(let code, let name, let day):
            guard let existing = self.division(code: code) else { return true }
            let from = name.validity.from ?? day
            return existing.names.contains { $0.name == name.name && $0.validity.isCurrent && $0.validity.from == from }
        case .formerNameAdded(let code, let name, _):
            guard let existing = self.division(code: code) else { return true }
            return existing.names.contains(name)
        case .divisionRetired(let code, let day):
            guard let existing = self.division(code: code) else { return true }
            return existing.validity.to == day
        case .centerSet(let code, let point):
            guard let existing = self.division(code: code) else { return true }
            return existing.center == point
        case .boundarySet(let code, let boundary):
            return boundaries[code] == boundary
        case .addressPointUpserted(let point):
            guard let index = addressIDByKey[point.id] else { return false }
            var incoming = point
            let existing = addressPoints[Int(index)]
            // The division, road and number are resolved when a point is applied.
            if incoming.divisionCode == nil { incoming.divisionCode = existing.divisionCode }
            if incoming.road == nil { incoming.road = existing.road }
            if incoming.number == nil { incoming.number = existing.number }
            return existing == incoming
        case .addressPointRetired(let id, let day):
            guard let index = addressIDByKey[id] else { return true }
            return addressPoints[Int(index)].validity.to == day
        case .aliasAdded(let alias):
            return aliases[aliasKey(alias.kind, alias.text, alias.scopeCode)] == alias
        case .aliasRemoved(let kind, let text, let scope):
            return aliases[aliasKey(kind, text, scope)] == nil
        }
    }

    /// The key an alias is stored under.
    func aliasKey(_ kind: Alias.Kind, _ text: String, _ scope: String?) -> AliasKey {
        AliasKey(kind: kind, scopeCode: scope, text: String(scalars: normalizer.normalize(text)))
    }
}

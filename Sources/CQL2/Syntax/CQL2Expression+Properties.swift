extension CQL2Expression {
    /// The names of the properties the expression reads, each once, in the order they first appear.
    public var propertyNames: [String] {
        var names: [String] = []
        collectPropertyNames(into: &names)
        return names
    }

    private func collectPropertyNames(into names: inout [String]) {
        switch self {
        case .property(let name): if !names.contains(name) { names.append(name) }
        case .and(let items), .or(let items): for item in items { item.collectPropertyNames(into: &names) }
        case .not(let item), .isNull(let item), .caseInsensitive(let item), .accentInsensitive(let item):
            item.collectPropertyNames(into: &names)
        case .comparison(_, let a, let b), .spatial(_, let a, let b), .temporal(_, let a, let b), .arithmetic(_, let a, let b),
            .interval(let a, let b), .like(let a, pattern: let b), .distanceWithin(let a, let b, _, _):
            a.collectPropertyNames(into: &names)
            b.collectPropertyNames(into: &names)
        case .between(let value, let low, let high):
            for item in [value, low, high] { item.collectPropertyNames(into: &names) }
        case .inList(let value, let list):
            for item in [value] + list { item.collectPropertyNames(into: &names) }
        case .string, .number, .boolean, .date, .timestamp, .unbounded, .geometry, .bbox: break
        }
    }
}

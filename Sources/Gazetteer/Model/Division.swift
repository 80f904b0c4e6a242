/// One name of a division over an interval: its official name now, or a former one.
public struct DivisionName: Hashable, Sendable, Codable {
    /// The full name, e.g. `襄阳市`.
    public var name: String
    /// The short name used in speech and in addresses, e.g. `襄阳`; nil when none is usable.
    public var shortName: String?
    /// When the division bore this name.
    public var validity: Validity

    public init(name: String, shortName: String?, validity: Validity = .always) {
        self.name = name
        self.shortName = shortName
        self.validity = validity
    }
}

/// An administrative division at one of the five levels.
public struct Division: Hashable, Sendable, Codable {
    /// The official code: 6 digits for provinces, cities and counties (`420111`), 9 for townships
    /// (`420111001`). Villages have no public code in the loaded sources; they get the township code
    /// followed by `-` and a 3-digit ordinal (`420111001-003`), which is not official.
    public var code: String
    public var level: AdminLevel
    /// The code of the division directly above; nil for provinces. Counties directly under a province
    /// (e.g. 仙桃市) and townships of cities without counties (e.g. 东莞市) skip a level.
    public var parentCode: String?
    /// Every name the division has borne, oldest first; the current one has an open validity.
    public var names: [DivisionName]
    /// When the division existed.
    public var validity: Validity
    /// A representative point (government seat or centroid), EPSG:4490.
    public var center: GeoPoint?

    public init(
        code: String, level: AdminLevel, parentCode: String?, names: [DivisionName], validity: Validity = .always, center: GeoPoint? = nil
    ) {
        self.code = code
        self.level = level
        self.parentCode = parentCode
        self.names = names
        self.validity = validity
        self.center = center
    }

    /// The name valid on a day (the latest of those that were, so a merged division's own name wins
    /// over the absorbed one's), or the current one if none was.
    public func name(on day: GazetteerDate?) -> DivisionName? {
        if let day, let valid = names.last(where: { $0.validity.contains(day) }) { return valid }
        return names.last(where: { $0.validity.isCurrent }) ?? names.last
    }

    /// The current full name.
    public var currentName: String { name(on: nil)?.name ?? code }
}

/// One change to the gazetteer. Loaders produce lists of them, the platform carries them as events,
/// and ``Gazetteer/apply(_:)`` projects them, so the gazetteer is versioned like any entity.
public enum GazetteerChange: Hashable, Sendable, Codable {
    /// A division appears or is replaced wholesale (names included).
    case divisionUpserted(Division)
    /// A division takes a new name on a day; the old one becomes a former name ending that day.
    case divisionRenamed(code: String, name: DivisionName, on: GazetteerDate)
    /// A former name (from a historic change list), kept for matching old addresses; its validity
    /// ends on the change. When `isRename` is true the division itself was renamed (襄樊市 → 襄阳市),
    /// so its current name starts on that day; otherwise the former name belonged to a division
    /// merged into this one (江干区 → 上城区), whose own name stays valid before the change.
    case formerNameAdded(code: String, name: DivisionName, isRename: Bool)
    /// A division ceases to exist on a day (its children are not touched).
    case divisionRetired(code: String, on: GazetteerDate)
    /// A division's representative point.
    case centerSet(code: String, point: GeoPoint)
    /// A division's boundary, EPSG:4490.
    case boundarySet(code: String, boundary: Boundary)
    /// A point of the address/POI layer appears or is replaced.
    case addressPointUpserted(AddressPoint)
    /// An address point ceases to exist on a day.
    case addressPointRetired(id: String, on: GazetteerDate)
    /// An alias appears or replaces the alias of the same kind, text and scope.
    case aliasAdded(Alias)
    /// An alias is removed.
    case aliasRemoved(kind: Alias.Kind, text: String, scopeCode: String?)

    /// The event type under which the platform carries this change.
    public var eventType: String {
        switch self {
        case .divisionUpserted: "gazetteer.division.upserted"
        case .divisionRenamed: "gazetteer.division.renamed"
        case .formerNameAdded: "gazetteer.division.former_name_added"
        case .divisionRetired: "gazetteer.division.retired"
        case .centerSet: "gazetteer.division.center_set"
        case .boundarySet: "gazetteer.division.boundary_set"
        case .addressPointUpserted: "gazetteer.address_point.upserted"
        case .addressPointRetired: "gazetteer.address_point.retired"
        case .aliasAdded: "gazetteer.alias.added"
        case .aliasRemoved: "gazetteer.alias.removed"
        }
    }

    /// The subject (Kafka key) of the event: changes to one thing stay in order.
    public var subject: String {
        switch self {
        case .divisionUpserted(let division): "division:\(division.code)"
        case .divisionRenamed(let code, _, _), .formerNameAdded(let code, _, _), .divisionRetired(let code, _), .centerSet(let code, _),
            .boundarySet(let code, _):
            "division:\(code)"
        case .addressPointUpserted(let point): "address:\(point.id)"
        case .addressPointRetired(let id, _): "address:\(id)"
        case .aliasAdded(let alias): "alias:\(alias.kind.rawValue):\(alias.scopeCode ?? "*"):\(alias.text)"
        case .aliasRemoved(let kind, let text, let scope): "alias:\(kind.rawValue):\(scope ?? "*"):\(text)"
        }
    }
}

/// A point of the address/POI layer: a standard address with a position.
public struct AddressPoint: Hashable, Sendable, Codable {
    /// A stable id from the source (a door-plate id, a POI id…).
    public var id: String
    /// The standard address, e.g. `湖北省武汉市武昌区八一路299号`.
    public var standardAddress: String
    /// A name at the address (an institution, a shop), if any, e.g. `武汉大学`.
    public var name: String?
    /// EPSG:4490.
    public var point: GeoPoint
    /// The deepest division containing it, resolved when it was loaded.
    public var divisionCode: String?
    /// Road and door number parsed from the standard address, resolved when it was loaded.
    public var road: String?
    public var number: String?
    public var validity: Validity

    public init(
        id: String, standardAddress: String, name: String? = nil, point: GeoPoint, divisionCode: String? = nil, road: String? = nil,
        number: String? = nil, validity: Validity = .always
    ) {
        self.id = id
        self.standardAddress = standardAddress
        self.name = name
        self.point = point
        self.divisionCode = divisionCode
        self.road = road
        self.number = number
        self.validity = validity
    }
}

/// An alias: another way people name a place.
public struct Alias: Hashable, Sendable, Codable {
    public enum Kind: String, Hashable, Sendable, Codable, CaseIterable {
        /// An institution's common name → its standard address (武大 → 武汉大学's address).
        case address
        /// An element of a place → its address: a shop's nickname, its signature product.
        case element
    }

    /// What the alias points to.
    public enum Target: Hashable, Sendable, Codable {
        /// An address point by id.
        case addressPoint(id: String)
        /// A standard address text, geocoded when the alias is used.
        case address(String)
        /// A division by code.
        case division(code: String)
    }

    public var kind: Kind
    /// The alias text, e.g. `武大`.
    public var text: String
    public var target: Target
    /// Restricts the alias to a division (e.g. `武大` in 420000); nil for everywhere.
    public var scopeCode: String?
    public var validity: Validity

    public init(kind: Kind, text: String, target: Target, scopeCode: String? = nil, validity: Validity = .always) {
        self.kind = kind
        self.text = text
        self.target = target
        self.scopeCode = scopeCode
        self.validity = validity
    }
}

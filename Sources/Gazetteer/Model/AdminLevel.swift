/// The five levels of China's administrative divisions.
public enum AdminLevel: Int, Codable, Sendable, Comparable, CaseIterable, CustomStringConvertible {
    /// 省级: provinces, autonomous regions, municipalities, SARs.
    case province = 1
    /// 地级: prefecture-level cities, prefectures, autonomous prefectures, leagues.
    case city = 2
    /// 县级: districts, counties, county-level cities, banners.
    case county = 3
    /// 乡级: subdistricts (街道), towns (镇), townships (乡), sumu.
    case township = 4
    /// 村级: villages (村) and residents' committees (社区).
    case village = 5

    public static func < (lhs: AdminLevel, rhs: AdminLevel) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String {
        switch self {
        case .province: "province"
        case .city: "city"
        case .county: "county"
        case .township: "township"
        case .village: "village"
        }
    }
}

/// How far a geocode got: an admin level, a road, or an address point.
public enum GeocodePrecision: Int, Codable, Sendable, Comparable, CustomStringConvertible {
    case province = 1
    case city = 2
    case county = 3
    case township = 4
    case village = 5
    case road = 6
    case addressPoint = 7

    public init(_ level: AdminLevel) {
        self = GeocodePrecision(rawValue: level.rawValue) ?? .province
    }

    public static func < (lhs: GeocodePrecision, rhs: GeocodePrecision) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String {
        switch self {
        case .province: "province"
        case .city: "city"
        case .county: "county"
        case .township: "township"
        case .village: "village"
        case .road: "road"
        case .addressPoint: "address_point"
        }
    }
}

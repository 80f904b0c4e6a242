import Foundation

/// Places an address (or a text that names a place) in EPSG:4490, for processors that spatialise
/// items without coordinates. The gazetteer engine implements it; a processor without one sends
/// such items to the dead-letter topic.
public protocol AddressGeocoder: Sendable {
    /// The best match, or why there is none. `asOf` picks the divisions valid then (names change).
    func geocode(_ address: String, asOf: Date?) -> AddressMatch
}

/// The outcome of geocoding one address.
public enum AddressMatch: Sendable, Hashable {
    case found(Geocoded)
    /// No confident answer; `reason` is fit for a dead letter (e.g. `outside_region: …`).
    case failed(reason: String)
}

/// A geocoded place.
public struct Geocoded: Sendable, Hashable {
    public var longitude: Double
    public var latitude: Double
    /// The standard address matched.
    public var address: String
    /// Admin codes of every level reached, province first.
    public var adminCodes: [String]
    /// `province`, `city`, `county`, `township`, `village`, `road`, `address` …
    public var precision: String
    /// 0…1.
    public var score: Double

    public init(longitude: Double, latitude: Double, address: String, adminCodes: [String], precision: String, score: Double) {
        self.longitude = longitude
        self.latitude = latitude
        self.address = address
        self.adminCodes = adminCodes
        self.precision = precision
        self.score = score
    }
}

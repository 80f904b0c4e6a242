import Foundation
import Gazetteer

/// Places addresses and free texts that only name places, for stages that place items without
/// coordinates: the item processor uses both, the entity processor the address part.
public protocol FreeTextGeocoder: AddressGeocoder {
    /// The most specific place a free text names, or why there is none. `asOf` picks the divisions valid then.
    func geocode(freeText: String, asOf: Date?) -> AddressMatch
}

/// ``AddressGeocoder`` and ``FreeTextGeocoder`` over the platform's gazetteer engine. It reads the
/// engine's current version on every call, so a gazetteer change (an alias added through the API, a
/// boundary fixed) applies to the next item without a restart.
public struct GazetteerGeocoder: FreeTextGeocoder {
    public let engine: GazetteerEngine
    /// Only places within these division codes are accepted (e.g. `["420100"]` for a Wuhan
    /// deployment); others fail as `outside_region`. Empty for anywhere.
    public var region: [String]
    /// Results below this confidence fail as `low_confidence` instead of placing an item badly.
    public var minimumScore: Double

    public init(engine: GazetteerEngine, region: [String] = [], minimumScore: Double = 0.5) {
        self.engine = engine
        self.region = region
        self.minimumScore = minimumScore
    }

    public func geocode(_ address: String, asOf: Date?) -> AddressMatch {
        Self.match(engine.current.geocode(address, options: options(asOf)))
    }

    public func geocode(freeText: String, asOf: Date?) -> AddressMatch {
        Self.match(engine.current.extractPlace(from: freeText, options: options(asOf)))
    }

    private func options(_ asOf: Date?) -> GeocodeOptions {
        GeocodeOptions(asOf: asOf.map { GazetteerDate($0) }, region: region, minimumScore: minimumScore)
    }

    /// A geocode result as a match: the point, the standard address, the codes of every level, the
    /// precision and score; a failure's reason is `<code>: <explanation>`.
    static func match(_ result: GeocodeResult) -> AddressMatch {
        guard let point = result.point, result.isSuccess, let precision = result.precision else {
            let failure = result.failure ?? .noPlaceFound
            return .failed(reason: "\(failure.code): \(failure.description)")
        }
        return .found(
            Geocoded(
                longitude: point.lon, latitude: point.lat, address: result.standardAddress ?? "", adminCodes: result.admin.map(\.code),
                precision: precision.description, score: result.score))
    }
}

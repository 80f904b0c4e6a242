/// One matched level of a geocode: a division with its code and the name valid on the query's date.
public struct AdminMatch: Hashable, Sendable, Codable {
    public var level: AdminLevel
    public var code: String
    public var name: String
}

/// The parts of an address below the divisions.
public struct AddressParts: Hashable, Sendable, Codable {
    /// 路/街/大道/巷…, e.g. `八一路`.
    public var road: String?
    /// The door number without 号, e.g. `299`.
    public var number: String?
    /// 栋/幢/座/号楼, e.g. `3栋`.
    public var building: String?
    /// 单元, e.g. `2单元`.
    public var unit: String?
    /// 室/房, e.g. `501室`.
    public var room: String?
    /// What is left (a POI name, a description).
    public var rest: String?

    public init(road: String? = nil, number: String? = nil, building: String? = nil, unit: String? = nil, room: String? = nil, rest: String? = nil) {
        self.road = road
        self.number = number
        self.building = building
        self.unit = unit
        self.room = room
        self.rest = rest
    }

    var isEmpty: Bool { road == nil && number == nil && building == nil && unit == nil && room == nil && rest == nil }
}

/// Why an address could not be geocoded.
public enum GeocodeFailure: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Nothing to geocode.
    case empty
    /// No place name was recognised (gibberish, or a place the gazetteer does not know).
    case noPlaceFound
    /// The place is outside the configured region.
    case outsideRegion(found: String, region: String)
    /// Several unrelated places match equally well and nothing in the text decides.
    case ambiguous(candidates: [String])
    /// The text contradicts itself (e.g. a district under another city) and no reading is credible.
    case conflicting(details: String)
    /// The best reading scored below the required confidence.
    case lowConfidence(best: String, score: Double)
    /// The address names a division explicitly (a name ending in 市, 区, 县…) that does not exist,
    /// e.g. a made-up city sharing a word with a real county: `name` as written, `within` the division
    /// it was written under, if any.
    case unknownDivision(name: String, within: String?)

    /// A machine-readable reason code.
    public var code: String {
        switch self {
        case .empty: "empty"
        case .noPlaceFound: "no_place_found"
        case .outsideRegion: "outside_region"
        case .ambiguous: "ambiguous"
        case .conflicting: "conflicting"
        case .lowConfidence: "low_confidence"
        case .unknownDivision: "unknown_division"
        }
    }

    public var description: String {
        switch self {
        case .empty: "the address is empty"
        case .noPlaceFound: "no administrative division, road or known place was recognised in the address"
        case .outsideRegion(let found, let region): "the address is in \(found), outside the configured region \(region)"
        case .ambiguous(let candidates): "the address matches several places equally well: \(candidates.joined(separator: "; "))"
        case .conflicting(let details): "the address contradicts itself: \(details)"
        case .lowConfidence(let best, let score):
            "the best reading, \(best), has a confidence of \(Int((score * 100).rounded()))%, below the required minimum"
        case .unknownDivision(let name, let within):
            "the address names \(name), which is no division\(within.map { " of \($0)" } ?? "") (nor a former name of one): it is fictional, misspelt beyond recognition or outside China"
        }
    }
}

/// The result of geocoding one address.
public struct GeocodeResult: Hashable, Sendable, Codable {
    /// The input text.
    public var query: String
    /// The standard address: the division names valid on the query date, then the parsed remainder
    /// (or the matched address point's standard address).
    public var standardAddress: String?
    /// Every matched or inferred level, province first.
    public var admin: [AdminMatch]
    /// EPSG:4490.
    public var point: GeoPoint?
    /// How far the match got.
    public var precision: GeocodePrecision?
    /// The level whose point is given (a township without a known position gets its county's point).
    public var pointPrecision: GeocodePrecision?
    /// Confidence in [0, 1].
    public var score: Double
    /// The parts of the address below the divisions.
    public var parts: AddressParts
    /// What was corrected or inferred (homophones, traditional characters, missing levels, aliases…).
    public var notes: [String]
    /// Why it failed, when it did (then `point` is nil).
    public var failure: GeocodeFailure?
    /// The matched address point's id, if any.
    public var addressPointID: String?

    public init(query: String, failure: GeocodeFailure, admin: [AdminMatch] = [], notes: [String] = []) {
        self.query = query
        self.standardAddress = nil
        self.admin = admin
        self.point = nil
        self.precision = nil
        self.pointPrecision = nil
        self.score = 0
        self.parts = AddressParts()
        self.notes = notes
        self.failure = failure
        self.addressPointID = nil
    }

    init(query: String) {
        self.init(query: query, failure: .empty)
        self.failure = nil
    }

    /// The code matched at a level.
    public func code(at level: AdminLevel) -> String? { admin.first { $0.level == level }?.code }

    /// Whether the geocode succeeded.
    public var isSuccess: Bool { failure == nil }
}

/// Options for one geocode.
public struct GeocodeOptions: Hashable, Sendable {
    /// Geocode with the divisions and names valid on this day; nil for today.
    public var asOf: GazetteerDate?
    /// Only places within these divisions (codes) are acceptable; empty for anywhere.
    public var region: [String]
    /// Results scoring below this are failures (ambiguous/conflicting) instead of guesses.
    public var minimumScore: Double

    public init(asOf: GazetteerDate? = nil, region: [String] = [], minimumScore: Double = 0.35) {
        self.asOf = asOf
        self.region = region
        self.minimumScore = minimumScore
    }
}

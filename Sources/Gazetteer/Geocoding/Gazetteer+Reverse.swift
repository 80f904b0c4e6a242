import Geodesy

/// An address point near a position.
public struct NearbyAddress: Hashable, Sendable, Codable {
    public var id: String
    public var standardAddress: String
    public var name: String?
    public var road: String?
    public var point: GeoPoint
    /// Metres from the queried position.
    public var distance: Double
}

/// The result of reverse geocoding one position.
public struct ReverseResult: Hashable, Sendable, Codable {
    /// The queried position in EPSG:4490.
    public var point: GeoPoint
    /// The divisions containing it, province first (as deep as boundaries and the address layer go).
    public var admin: [AdminMatch]
    /// The nearest address point within the search distance, if the address layer has one.
    public var nearest: NearbyAddress?
    /// The best standard address: the nearest address point's, or the divisions' names.
    public var standardAddress: String?
    /// Why nothing was found, when nothing was.
    public var failure: String?
}

extension Gazetteer {
    /// The divisions containing a position (EPSG:4490), the nearest address point within
    /// `maxDistance` metres, and the best standard address.
    public func reverse(_ point: GeoPoint, on day: GazetteerDate? = nil, maxDistance: Double = 300) -> ReverseResult {
        var result = ReverseResult(point: point, admin: [])
        let containing = spatial.containing(lon: point.lon, lat: point.lat).filter { id in
            day.map { divisions[Int(id)].validity.contains($0) } ?? divisions[Int(id)].validity.isCurrent
        }
        var deepest = containing.max { divisions[Int($0)].level < divisions[Int($1)].level }
        if let (nearest, index) = nearestAddress(to: point, within: maxDistance, on: day) {
            result.nearest = nearest
            if let code = addressPoints[Int(index)].divisionCode, let id = idByCode[code],
                deepest.map({ isWithin(id, $0) }) ?? true
            {
                deepest = id
            }
        }
        guard let deepest else {
            result.failure = spatial.isEmpty ? "no boundaries are loaded" : "the position is outside every loaded boundary"
            return result
        }
        let ids = lineage(deepest)
        result.admin = admin(ids, on: day)
        result.standardAddress = result.nearest?.standardAddress ?? ids.map { divisions[Int($0)].name(on: day)?.name ?? "" }.joined()
        return result
    }

    /// Reverse geocoding of a position in any supported CRS (transformed to EPSG:4490 first).
    public func reverse(
        x: Double, y: Double, crs: CoordinateReferenceSystem, transformer: CoordinateTransformer, on day: GazetteerDate? = nil,
        maxDistance: Double = 300
    ) throws(GeodesyError) -> ReverseResult {
        let position = try transformer.transform(x: x, y: y, from: crs, to: .cgcs2000)
        return reverse(GeoPoint(lon: position.x, lat: position.y), on: day, maxDistance: maxDistance)
    }

    private func nearestAddress(to point: GeoPoint, within maxDistance: Double, on day: GazetteerDate?) -> (NearbyAddress, Int32)? {
        guard !addressPoints.isEmpty else { return nil }
        var best: (Int32, Double)?
        pointGrid.near(point) { id in
            let candidate = addressPoints[Int(id)]
            guard day.map({ candidate.validity.contains($0) }) ?? candidate.validity.isCurrent else { return }
            let distance = point.distance(to: candidate.point)
            if distance <= maxDistance, distance < (best?.1 ?? .infinity) { best = (id, distance) }
        }
        guard let (id, distance) = best else { return nil }
        let found = addressPoints[Int(id)]
        return (
            NearbyAddress(
                id: found.id, standardAddress: found.standardAddress, name: found.name, road: found.road, point: found.point,
                distance: (distance * 10).rounded() / 10), id
        )
    }
}

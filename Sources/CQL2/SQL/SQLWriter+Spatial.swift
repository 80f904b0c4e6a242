/// Spatial functions: PostGIS predicates on geometries in the storage SRID.
extension SQLWriter {
    mutating func spatial(_ op: CQL2SpatialOperator, _ a: CQL2Expression, _ b: CQL2Expression) throws(CQL2Error) -> String {
        let function =
            switch op {
            case .intersects: "ST_Intersects"
            case .equals: "ST_Equals"
            case .disjoint: "ST_Disjoint"
            case .touches: "ST_Touches"
            case .within: "ST_Within"
            case .overlaps: "ST_Overlaps"
            case .crosses: "ST_Crosses"
            case .contains: "ST_Contains"
            }
        return "\(function)(\(try geometry(a, function: op.rawValue)), \(try geometry(b, function: op.rawValue)))"
    }

    /// Geodesic distance on the ellipsoid (PostGIS geography), so the storage SRID must be
    /// geographic. Against a literal, a bounding-box test that a GiST index serves comes first: the
    /// literal's box grown by the distance (at most 1/110,000° of latitude per metre, and of
    /// longitude 1/(111,000·cos φ) at the highest latitude φ reached).
    mutating func distanceWithin(_ a: CQL2Expression, _ b: CQL2Expression, metres: Double) throws(CQL2Error) -> String {
        guard metres.isFinite, metres >= 0 else { throw CQL2Error(.invalidValue, "the distance of S_DWITHIN must be a finite number ≥ 0") }
        let left = try geometry(a, function: "S_DWITHIN")
        let right = try geometry(b, function: "S_DWITHIN")
        let distance = bind(metres)
        let exact = "ST_DWithin((\(left))::geography, (\(right))::geography, \(distance))"
        let (column, literal): (String, String)
        switch (Self.isLiteral(a), Self.isLiteral(b)) {
        case (false, true): (column, literal) = (left, right)
        case (true, false): (column, literal) = (right, left)
        default: return "(\(exact))"
        }
        let latitudeMargin = "(\(distance) / 110000.0)"
        let highestLatitude = "least(90.0, greatest(abs(ST_YMin(\(literal))), abs(ST_YMax(\(literal)))) + \(latitudeMargin))"
        let longitudeMargin = "(CASE WHEN \(highestLatitude) >= 89.0 THEN 360.0 ELSE \(distance) / (111000.0 * cos(radians(\(highestLatitude)))) END)"
        return "(\(column) && ST_Expand(\(literal), \(longitudeMargin), \(latitudeMargin)) AND \(exact))"
    }

    private static func isLiteral(_ expression: CQL2Expression) -> Bool {
        switch expression {
        case .geometry, .bbox: true
        default: false
        }
    }

    /// A geometry operand: a geometry queryable, or a literal brought to the storage SRID.
    mutating func geometry(_ expression: CQL2Expression, function: String) throws(CQL2Error) -> String {
        let crs = translator.filterCRS
        switch expression {
        case .property(let name):
            let queryable = try translator.queryables.require(name)
            guard queryable.type == .geometry else {
                throw CQL2Error(.typeMismatch, "\(function) needs geometries; \(name) is \(SQLType(queryable.type).phrase)")
            }
            return try property(name, as: .geometry)
        case .geometry(let literal):
            let geometry = crs.swapsAxes ? literal.swappingAxes : literal
            try checkRange(geometry.positions)
            return toStorage("ST_GeomFromText(\(bind(geometry.wkt)), \(bind(crs.srid)))")
        case .bbox(let numbers):
            // Four numbers, or six with z after each corner's x and y.
            var (minX, minY, maxX, maxY) =
                numbers.count == 6 ? (numbers[0], numbers[1], numbers[3], numbers[4]) : (numbers[0], numbers[1], numbers[2], numbers[3])
            if crs.swapsAxes { (minX, minY, maxX, maxY) = (minY, minX, maxY, maxX) }
            guard [minX, minY, maxX, maxY].allSatisfy(\.isFinite) else { throw CQL2Error(.invalidValue, "BBOX needs finite numbers") }
            guard minY <= maxY else { throw CQL2Error(.invalidValue, "BBOX south (\(formatNumber(minY))) is above north (\(formatNumber(maxY)))") }
            guard minX <= maxX else {
                throw CQL2Error(
                    .invalidValue,
                    "BBOX west (\(formatNumber(minX))) is east of east (\(formatNumber(maxX))); boxes across the antimeridian are not supported, split them in two with OR"
                )
            }
            try checkRange([[minX, minY], [maxX, maxY]])
            return toStorage("ST_MakeEnvelope(\(bind(minX)), \(bind(minY)), \(bind(maxX)), \(bind(maxY)), \(bind(crs.srid)))")
        default:
            let type = try type(of: expression)
            throw CQL2Error(.typeMismatch, "\(function) needs geometries; \(Self.describe(expression)) is \(type.phrase)")
        }
    }

    private mutating func toStorage(_ sql: String) -> String {
        translator.filterCRS.srid == translator.storageSRID ? sql : "ST_Transform(\(sql), \(bind(translator.storageSRID)))"
    }

    /// Longitudes within ±180° and latitudes within ±90° for a geographic filter CRS.
    private func checkRange(_ positions: [[Double]]) throws(CQL2Error) {
        guard translator.filterCRS.isGeographic else { return }
        for position in positions where abs(position[0]) > 180 || abs(position[1]) > 90 {
            let order = translator.filterCRS.swapsAxes ? "latitude, longitude" : "longitude, latitude"
            throw CQL2Error(
                .invalidValue,
                "the position \(formatNumber(position[0])) \(formatNumber(position[1])) (longitude, latitude) is outside ±180°, ±90°; coordinates in \(translator.filterCRS.uri) are written \(order)"
            )
        }
    }
}

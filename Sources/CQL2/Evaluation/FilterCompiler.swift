import Geodesy

/// Compiles a type-checked ``CQL2Expression`` into ``PredicateNode``s, collecting geometry literals
/// (brought from the filter CRS to EPSG:4490) for the ``SpatialEngine``.
struct FilterCompiler {
    let queryables: Queryables
    let filterCRS: FilterCRS
    var literals: [CQL2Geometry] = []

    /// PROJ transformations of filter-crs literals; one for every compiler (it locks per call).
    private static let transformer = CoordinateTransformer()

    init(queryables: Queryables, filterCRS: FilterCRS) {
        self.queryables = queryables
        self.filterCRS = filterCRS
    }

    mutating func predicate(_ expression: CQL2Expression) throws(CQL2Error) -> PredicateNode {
        switch expression {
        case .and(let items):
            var nodes: [PredicateNode] = []
            for item in items { nodes.append(try predicate(item)) }
            return .and(nodes)
        case .or(let items):
            var nodes: [PredicateNode] = []
            for item in items { nodes.append(try predicate(item)) }
            return .or(nodes)
        case .not(let item): return .not(try predicate(item))
        case .boolean(let value): return .constant(value)
        case .property(let name): return .booleanProperty(try reference(name))
        case .comparison(let op, let a, let b): return .comparison(op, try scalar(a), try scalar(b))
        case .like(let value, let pattern):
            if case .string(let text) = pattern {
                guard let compiled = LikePattern(text) else {
                    throw CQL2Error(.invalidValue, "the LIKE pattern '\(text)' ends with the escape character \\; write \\\\ for a backslash")
                }
                return .like(try scalar(value), .compiled(compiled))
            }
            return .like(try scalar(value), .dynamic(try scalar(pattern)))
        case .between(let value, let low, let high): return .between(try scalar(value), low: try scalar(low), high: try scalar(high))
        case .inList(let value, let list):
            var items: [ScalarNode] = []
            for item in list { items.append(try scalar(item)) }
            return .inList(try scalar(value), items)
        case .isNull(let value): return .isNull(try nullOperand(value))
        case .spatial(let op, let a, let b): return .spatial(op, try geometry(a), try geometry(b))
        case .distanceWithin(let a, let b, let distance, let units):
            return .distanceWithin(try geometry(a), try geometry(b), metres: distance * units.metres)
        case .temporal(let op, let a, let b): return .temporal(op, try temporal(a), try temporal(b))
        default:
            throw CQL2Error(.typeMismatch, "\(expression) is not a condition; a filter must be true or false for each feature")
        }
    }

    private mutating func scalar(_ expression: CQL2Expression) throws(CQL2Error) -> ScalarNode {
        switch expression {
        case .property(let name): return .property(try reference(name))
        case .string(let text): return .constant(.string(text))
        case .number(let value): return .constant(.number(value))
        case .boolean(let value): return .constant(.boolean(value))
        case .date(let date): return .constant(.date(date))
        case .timestamp(let timestamp): return .constant(.timestamp(timestamp.microsecondsSinceEpoch))
        case .arithmetic(let op, let a, let b): return .arithmetic(op, try scalar(a), try scalar(b))
        case .caseInsensitive(let inner): return .lowercased(try scalar(inner))
        case .accentInsensitive(let inner): return .unaccented(try scalar(inner))
        default: return .predicate(try predicate(expression))
        }
    }

    private mutating func nullOperand(_ expression: CQL2Expression) throws(CQL2Error) -> NullOperand {
        switch expression {
        case .geometry, .bbox: return .geometry(try geometry(expression))
        case .interval(let start, _): return .intervalStart(try bound(start))
        case .property(let name):
            let property = try reference(name)
            switch (property.queryable.type, property.queryable.storage) {
            case (.geometry, _): return .geometry(.property(property))
            case (.interval, .columns): return .intervalColumns(property)
            case (.interval, _): return .intervalRange(property)
            default: return .scalar(.property(property))
            }
        default: return .scalar(try scalar(expression))
        }
    }

    private mutating func geometry(_ expression: CQL2Expression) throws(CQL2Error) -> GeometryNode {
        switch expression {
        case .property(let name): return .property(try reference(name))
        case .geometry(let literal):
            literals.append(try toStorage(filterCRS.swapsAxes ? literal.swappingAxes : literal))
            return .literal(literals.count - 1)
        case .bbox(let numbers):
            var (minX, minY, maxX, maxY) =
                numbers.count == 6 ? (numbers[0], numbers[1], numbers[3], numbers[4]) : (numbers[0], numbers[1], numbers[2], numbers[3])
            if filterCRS.swapsAxes { (minX, minY, maxX, maxY) = (minY, minX, maxY, maxX) }
            // As ST_MakeEnvelope draws it.
            let ring = [[minX, minY], [minX, maxY], [maxX, maxY], [maxX, minY], [minX, minY]]
            literals.append(try toStorage(.polygon([ring])))
            return .literal(literals.count - 1)
        default:
            throw CQL2Error(.typeMismatch, "\(expression) is not a geometry")
        }
    }

    private func temporal(_ expression: CQL2Expression) throws(CQL2Error) -> TemporalNode {
        switch expression {
        case .property(let name):
            let property = try reference(name)
            return property.queryable.type == .interval ? .interval(property) : .instant(property)
        case .date, .timestamp:
            let instant = try bound(expression)
            return .literal(start: instant, end: instant)
        case .interval(let start, let end): return .literal(start: try bound(start), end: try bound(end))
        default: throw CQL2Error(.typeMismatch, "\(expression) is not an instant or an interval")
        }
    }

    private func bound(_ expression: CQL2Expression) throws(CQL2Error) -> BoundNode {
        switch expression {
        case .unbounded: return .open
        case .date(let date): return .instant(CQL2Timestamp(startOf: date).microsecondsSinceEpoch)
        case .timestamp(let timestamp): return .instant(timestamp.microsecondsSinceEpoch)
        case .property(let name): return .property(try reference(name))
        default: throw CQL2Error(.typeMismatch, "\(expression) is not an end of an interval")
        }
    }

    private func reference(_ name: String) throws(CQL2Error) -> PropertyReference {
        PropertyReference(name: name, queryable: try queryables.require(name))
    }

    /// A literal in EPSG:4490, longitude first, transformed vertex by vertex as `ST_Transform` does.
    private func toStorage(_ geometry: CQL2Geometry) throws(CQL2Error) -> CQL2Geometry {
        guard filterCRS.srid != 4490 else { return geometry }
        let source = CoordinateReferenceSystem(epsg: Int(filterCRS.srid))
        do {
            return try geometry.mapPositions { position throws(GeodesyError) in
                let (x, y) = try Self.transformer.transform(x: position[0], y: position[1], from: source, to: .cgcs2000)
                return [x, y] + position.dropFirst(2)
            }
        } catch {
            throw CQL2Error(.invalidValue, "a geometry of the filter cannot be brought from \(filterCRS.uri) to EPSG:4490: \(error.message)")
        }
    }
}

extension CQL2Geometry {
    /// The same geometry with every position replaced by `transform(position)`.
    func mapPositions<E: Error>(_ transform: ([Double]) throws(E) -> [Double]) throws(E) -> CQL2Geometry {
        func line(_ positions: [[Double]]) throws(E) -> [[Double]] {
            var result: [[Double]] = []
            for position in positions { result.append(try transform(position)) }
            return result
        }
        func lines(_ rings: [[[Double]]]) throws(E) -> [[[Double]]] {
            var result: [[[Double]]] = []
            for ring in rings { result.append(try line(ring)) }
            return result
        }
        switch self {
        case .point(let p): return .point(try transform(p))
        case .lineString(let l): return .lineString(try line(l))
        case .multiPoint(let points): return .multiPoint(try line(points))
        case .polygon(let rings): return .polygon(try lines(rings))
        case .multiLineString(let l): return .multiLineString(try lines(l))
        case .multiPolygon(let polygons):
            var result: [[[[Double]]]] = []
            for polygon in polygons { result.append(try lines(polygon)) }
            return .multiPolygon(result)
        case .geometryCollection(let members):
            var result: [CQL2Geometry] = []
            for member in members { result.append(try member.mapPositions(transform)) }
            return .geometryCollection(result)
        }
    }
}

import CGEOS
import Synchronization

/// The spatial predicates of a compiled filter, with GEOS (the library PostGIS evaluates them
/// with): a GEOS context of its own and the filter's geometry literals, prepared once so that
/// testing many features against one literal is fast.
///
/// GEOS contexts are not thread-safe, so evaluations of one filter take turns; give each
/// concurrent user its own filter.
final class SpatialEngine: Sendable {
    private let state: Mutex<GEOSState>
    /// The literals, in EPSG:4490, by the index a ``GeometryNode/literal(_:)`` names.
    let literals: [CQL2Geometry]

    init(literals: [CQL2Geometry]) {
        self.literals = literals
        state = Mutex(GEOSState(literals: literals))
    }

    /// `op(a, b)`, or `nil` when GEOS cannot evaluate it (an invalid geometry).
    func evaluate(_ op: CQL2SpatialOperator, _ a: Operand, _ b: Operand) -> Bool? {
        state.withLock { state in state.evaluate(op, a, b) }
    }

    /// Whether the geometries share a point.
    func intersects(_ a: Operand, _ b: Operand) -> Bool? {
        evaluate(.intersects, a, b)
    }

    /// A geometry to test: a feature's, or a literal's index.
    enum Operand {
        case geometry(CQL2Geometry)
        case literal(Int)
    }
}

/// A GEOS context with the prepared literals made in it.
struct GEOSState: ~Copyable {
    let context: OpaquePointer
    /// Each literal as a GEOS geometry (nil when GEOS could not build it) and its prepared form.
    var geometries: [OpaquePointer?] = []
    var prepared: [OpaquePointer?] = []

    init(literals: [CQL2Geometry]) {
        context = GEOS_init_r()
        for literal in literals {
            let geometry = Self.make(literal, context)
            geometries.append(geometry)
            prepared.append(geometry.flatMap { GEOSPrepare_r(context, $0) })
        }
    }

    deinit {
        for prepared in prepared { if let prepared { GEOSPreparedGeom_destroy_r(context, prepared) } }
        for geometry in geometries { if let geometry { GEOSGeom_destroy_r(context, geometry) } }
        GEOS_finish_r(context)
    }

    func evaluate(_ op: CQL2SpatialOperator, _ a: SpatialEngine.Operand, _ b: SpatialEngine.Operand) -> Bool? {
        switch (a, b) {
        case (.literal(let index), .geometry(let geometry)):
            return withGeometry(geometry) { feature in preparedTest(op, literal: index, feature: feature, literalFirst: true) }
        case (.geometry(let geometry), .literal(let index)):
            return withGeometry(geometry) { feature in preparedTest(op, literal: index, feature: feature, literalFirst: false) }
        case (.geometry(let first), .geometry(let second)):
            return withGeometry(first) { a in withGeometry(second) { b in plainTest(op, a, b) } }
        case (.literal(let first), .literal(let second)):
            guard let a = geometries[first], let b = geometries[second] else { return nil }
            return plainTest(op, a, b)
        }
    }

    /// `op` with a prepared literal on one side (`literalFirst`: `op(literal, feature)`).
    private func preparedTest(_ op: CQL2SpatialOperator, literal index: Int, feature: OpaquePointer, literalFirst: Bool) -> Bool? {
        guard let prepared = prepared[index], let literal = geometries[index] else { return nil }
        let result: CChar
        switch op {
        case .intersects: result = GEOSPreparedIntersects_r(context, prepared, feature)
        case .disjoint: result = GEOSPreparedDisjoint_r(context, prepared, feature)
        case .touches: result = GEOSPreparedTouches_r(context, prepared, feature)
        case .overlaps: result = GEOSPreparedOverlaps_r(context, prepared, feature)
        case .crosses: result = GEOSPreparedCrosses_r(context, prepared, feature)
        case .equals: result = GEOSEquals_r(context, literal, feature)
        // within(feature, literal) is contains(literal, feature), and the other way round.
        case .within:
            result = literalFirst ? GEOSPreparedWithin_r(context, prepared, feature) : GEOSPreparedContains_r(context, prepared, feature)
        case .contains:
            result = literalFirst ? GEOSPreparedContains_r(context, prepared, feature) : GEOSPreparedWithin_r(context, prepared, feature)
        }
        return Self.truth(result)
    }

    private func plainTest(_ op: CQL2SpatialOperator, _ a: OpaquePointer, _ b: OpaquePointer) -> Bool? {
        let result: CChar =
            switch op {
            case .intersects: GEOSIntersects_r(context, a, b)
            case .disjoint: GEOSDisjoint_r(context, a, b)
            case .touches: GEOSTouches_r(context, a, b)
            case .overlaps: GEOSOverlaps_r(context, a, b)
            case .crosses: GEOSCrosses_r(context, a, b)
            case .equals: GEOSEquals_r(context, a, b)
            case .within: GEOSWithin_r(context, a, b)
            case .contains: GEOSContains_r(context, a, b)
            }
        return Self.truth(result)
    }

    /// GEOS answers 1 (true), 0 (false) or 2 (an exception).
    private static func truth(_ result: CChar) -> Bool? {
        switch result {
        case 1: true
        case 0: false
        default: nil
        }
    }

    private func withGeometry(_ geometry: CQL2Geometry, _ body: (OpaquePointer) -> Bool?) -> Bool? {
        guard let made = Self.make(geometry, context) else { return nil }
        defer { GEOSGeom_destroy_r(context, made) }
        return body(made)
    }

    /// A GEOS geometry (x and y only), or nil when GEOS refuses it.
    static func make(_ geometry: CQL2Geometry, _ context: OpaquePointer) -> OpaquePointer? {
        func sequence(_ positions: [[Double]]) -> OpaquePointer? {
            guard let sequence = GEOSCoordSeq_create_r(context, UInt32(positions.count), 2) else { return nil }
            for (index, position) in positions.enumerated() where position.count >= 2 {
                GEOSCoordSeq_setXY_r(context, sequence, UInt32(index), position[0], position[1])
            }
            return sequence
        }
        func polygon(_ rings: [[[Double]]]) -> OpaquePointer? {
            guard let first = rings.first, let shellSequence = sequence(first), let shell = GEOSGeom_createLinearRing_r(context, shellSequence)
            else { return nil }
            var holes: [OpaquePointer?] = []
            for ring in rings.dropFirst() {
                guard let ringSequence = sequence(ring), let hole = GEOSGeom_createLinearRing_r(context, ringSequence) else {
                    GEOSGeom_destroy_r(context, shell)
                    for hole in holes { GEOSGeom_destroy_r(context, hole) }
                    return nil
                }
                holes.append(hole)
            }
            return holes.withUnsafeMutableBufferPointer { buffer in
                GEOSGeom_createPolygon_r(context, shell, buffer.baseAddress, UInt32(buffer.count))
            }
        }
        func collection(_ type: GEOSGeomTypes, _ members: [OpaquePointer?]) -> OpaquePointer? {
            guard members.allSatisfy({ $0 != nil }) else {
                for member in members { if let member { GEOSGeom_destroy_r(context, member) } }
                return nil
            }
            var members = members
            return members.withUnsafeMutableBufferPointer { buffer in
                GEOSGeom_createCollection_r(context, Int32(type.rawValue), buffer.baseAddress, UInt32(buffer.count))
            }
        }
        switch geometry {
        case .point(let p):
            guard p.count >= 2 else { return nil }
            return GEOSGeom_createPointFromXY_r(context, p[0], p[1])
        case .lineString(let positions):
            return sequence(positions).flatMap { GEOSGeom_createLineString_r(context, $0) }
        case .polygon(let rings):
            return polygon(rings)
        case .multiPoint(let points):
            return collection(GEOS_MULTIPOINT, points.map { make(.point($0), context) })
        case .multiLineString(let lines):
            return collection(GEOS_MULTILINESTRING, lines.map { make(.lineString($0), context) })
        case .multiPolygon(let polygons):
            return collection(GEOS_MULTIPOLYGON, polygons.map { polygon($0) })
        case .geometryCollection(let members):
            return collection(GEOS_GEOMETRYCOLLECTION, members.map { make($0, context) })
        }
    }
}

import Foundation

/// Evaluates compiled nodes against one feature with SQL's three-valued logic: `nil` is unknown.
/// Comparisons, LIKE, BETWEEN and IN on a missing value are unknown (so their `NOT` is too);
/// spatial and temporal functions are never unknown (false instead), as in the SQL translation.
struct FilterEvaluation<Feature: CQL2Feature> {
    let feature: Feature
    let spatial: SpatialEngine

    func predicate(_ node: PredicateNode) -> Bool? {
        switch node {
        case .and(let items):
            var result: Bool? = true
            for item in items {
                switch predicate(item) {
                case false?: return false
                case nil: result = nil
                case true?: break
                }
            }
            return result
        case .or(let items):
            var result: Bool? = false
            for item in items {
                switch predicate(item) {
                case true?: return true
                case nil: result = nil
                case false?: break
                }
            }
            return result
        case .not(let item): return predicate(item).map { !$0 }
        case .constant(let value): return value
        case .booleanProperty(let property):
            guard case .boolean(let flag)? = value(property) else { return nil }
            return flag
        case .comparison(let op, let a, let b): return compare(op, scalar(a), scalar(b))
        case .like(let value, let pattern): return like(value, pattern)
        case .between(let value, let low, let high):
            let v = scalar(value)
            return Self.and(compare(.greaterOrEqual, v, scalar(low)), compare(.lessOrEqual, v, scalar(high)))
        case .inList(let value, let list):
            let v = scalar(value)
            var result: Bool? = false
            for item in list {
                switch compare(.equal, v, scalar(item)) {
                case true?: return true
                case nil: result = nil
                case false?: break
                }
            }
            return result
        case .isNull(let operand): return isNull(operand)
        case .spatial(let op, let a, let b):
            guard let first = geometry(a), let second = geometry(b) else { return false }
            return spatial.evaluate(op, first, second) ?? false
        case .distanceWithin(let a, let b, let metres):
            guard let first = geometry(a), let second = geometry(b) else { return false }
            let shapes = (shape(first), shape(second))
            return GeodesicDistance.within(shapes.0, shapes.1, metres: metres) { spatial.intersects(first, second) } ?? false
        case .temporal(let op, let a, let b):
            return TemporalRelation.holds(op, bounds(a), bounds(b)) ?? false
        }
    }

    // MARK: Values

    /// A feature's value as its queryable's type reads it; another type counts as missing.
    func value(_ property: PropertyReference) -> CQL2Value? {
        guard let value = feature.value(of: property.name) else { return nil }
        switch (property.queryable.type, value) {
        case (.string, .string), (.number, .number), (.boolean, .boolean), (.date, .date), (.timestamp, .timestamp), (.interval, .interval),
            (.geometry, .geometry):
            return value
        // The SQL casts an integer property through numeric to bigint, which rounds.
        case (.integer, .number(let number)): return .number(number.rounded())
        default: return nil
        }
    }

    func scalar(_ node: ScalarNode) -> Scalar? {
        switch node {
        case .property(let property):
            switch value(property) {
            case .string(let text)?: return .string(text)
            case .number(let number)?: return .number(number)
            case .boolean(let flag)?: return .boolean(flag)
            case .date(let date)?: return .date(date)
            case .timestamp(let timestamp)?: return .timestamp(timestamp.microsecondsSinceEpoch)
            default: return nil
            }
        case .constant(let value): return value
        case .arithmetic(let op, let a, let b):
            guard case .number(let x)? = scalar(a), case .number(let y)? = scalar(b) else { return nil }
            return Arithmetic.apply(op, x, y).map(Scalar.number)
        case .lowercased(let inner):
            guard case .string(let text)? = scalar(inner) else { return nil }
            return .string(text.lowercased())
        case .unaccented(let inner):
            guard case .string(let text)? = scalar(inner) else { return nil }
            return .string(Self.unaccent(text))
        case .predicate(let node): return predicate(node).map(Scalar.boolean)
        }
    }

    /// `unaccent`: letters without their combining marks (é → e).
    static func unaccent(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.decomposedStringWithCanonicalMapping.unicodeScalars where scalar.properties.generalCategory != .nonspacingMark {
            scalars.append(scalar)
        }
        return String(scalars).precomposedStringWithCanonicalMapping
    }

    func compare(_ op: CQL2ComparisonOperator, _ a: Scalar?, _ b: Scalar?) -> Bool? {
        guard let a, let b, let order = Self.order(a, b) else { return nil }
        switch op {
        case .equal: return order == 0
        case .notEqual: return order != 0
        case .less: return order < 0
        case .lessOrEqual: return order <= 0
        case .greater: return order > 0
        case .greaterOrEqual: return order >= 0
        }
    }

    /// -1, 0 or 1; strings by their UTF-8 bytes (the C collation), a date against a timestamp as
    /// midnight UTC at its start.
    static func order(_ a: Scalar, _ b: Scalar) -> Int? {
        func sign<T: Comparable>(_ x: T, _ y: T) -> Int { x < y ? -1 : (x == y ? 0 : 1) }
        switch (a, b) {
        case (.number(let x), .number(let y)): return sign(x, y)
        case (.string(let x), .string(let y)):
            if x.utf8.elementsEqual(y.utf8) { return 0 }
            return x.utf8.lexicographicallyPrecedes(y.utf8) ? -1 : 1
        case (.boolean(let x), .boolean(let y)): return sign(x ? 1 : 0, y ? 1 : 0)
        case (.date(let x), .date(let y)): return sign(x, y)
        case (.timestamp(let x), .timestamp(let y)): return sign(x, y)
        case (.date(let x), .timestamp(let y)): return sign(CQL2Timestamp(startOf: x).microsecondsSinceEpoch, y)
        case (.timestamp(let x), .date(let y)): return sign(x, CQL2Timestamp(startOf: y).microsecondsSinceEpoch)
        default: return nil
        }
    }

    private func like(_ value: ScalarNode, _ pattern: LikePatternNode) -> Bool? {
        guard case .string(let text)? = scalar(value) else { return nil }
        switch pattern {
        case .compiled(let compiled): return compiled.matches(text)
        case .dynamic(let node):
            guard case .string(let patternText)? = scalar(node), let compiled = LikePattern(patternText) else { return nil }
            return compiled.matches(text)
        }
    }

    private func isNull(_ operand: NullOperand) -> Bool {
        switch operand {
        case .scalar(let node): return scalar(node) == nil
        case .geometry(let node): return geometry(node) == nil
        case .intervalColumns(let property):
            guard case .interval(let start, let end)? = value(property) else { return true }
            return start == nil && end == nil
        case .intervalRange(let property): return value(property) == nil
        case .intervalStart(let bound): return instant(bound) == nil
        }
    }

    // MARK: Geometry and time

    private func geometry(_ node: GeometryNode) -> SpatialEngine.Operand? {
        switch node {
        case .literal(let index): return .literal(index)
        case .property(let property):
            guard case .geometry(let geometry)? = value(property) else { return nil }
            return .geometry(geometry)
        }
    }

    private func shape(_ operand: SpatialEngine.Operand) -> CQL2Geometry {
        switch operand {
        case .geometry(let geometry): geometry
        case .literal(let index): spatial.literals[index]
        }
    }

    /// Start and end in microseconds; open ends are `Int64.min`/`Int64.max`; `nil` is SQL's NULL.
    private func bounds(_ node: TemporalNode) -> (Int64?, Int64?) {
        switch node {
        case .instant(let property):
            let instant = instant(.property(property))
            return (instant, instant)
        case .literal(let start, let end):
            return (start.isOpen ? Int64.min : instant(start), end.isOpen ? Int64.max : instant(end))
        case .interval(let property):
            let interval = value(property)
            let (start, end): (CQL2Timestamp?, CQL2Timestamp?)
            if case .interval(let s, let e)? = interval { (start, end) = (s, e) } else { (start, end) = (nil, nil) }
            switch property.queryable.storage {
            case .columns:
                // Two columns: a NULL end is open when the queryable is nullable, unknown otherwise.
                guard property.queryable.nullable else { return (start?.microsecondsSinceEpoch, end?.microsecondsSinceEpoch) }
                return (start?.microsecondsSinceEpoch ?? Int64.min, end?.microsecondsSinceEpoch ?? Int64.max)
            case .range, .expression:
                guard interval != nil else { return (nil, nil) }
                return (start?.microsecondsSinceEpoch ?? Int64.min, end?.microsecondsSinceEpoch ?? Int64.max)
            }
        }
    }

    private func instant(_ bound: BoundNode) -> Int64? {
        switch bound {
        case .open: return nil
        case .instant(let value): return value
        case .property(let property):
            switch value(property) {
            case .timestamp(let timestamp)?: return timestamp.microsecondsSinceEpoch
            case .date(let date)?: return CQL2Timestamp(startOf: date).microsecondsSinceEpoch
            default: return nil
            }
        }
    }

    static func and(_ a: Bool?, _ b: Bool?) -> Bool? {
        if a == false || b == false { return false }
        if a == nil || b == nil { return nil }
        return true
    }
}

extension BoundNode {
    var isOpen: Bool {
        if case .open = self { return true }
        return false
    }
}

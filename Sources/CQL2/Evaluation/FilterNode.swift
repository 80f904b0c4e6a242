/// A filter compiled for evaluation in memory: the same tree as ``CQL2Expression``, with properties
/// bound to their queryables, literals converted (timestamps to microseconds, LIKE patterns
/// compiled, geometry literals brought to EPSG:4490 and prepared in GEOS).
indirect enum PredicateNode: Sendable {
    case and([PredicateNode])
    case or([PredicateNode])
    case not(PredicateNode)
    case constant(Bool)
    /// A boolean queryable used as a condition.
    case booleanProperty(PropertyReference)
    case comparison(CQL2ComparisonOperator, ScalarNode, ScalarNode)
    case like(ScalarNode, LikePatternNode)
    case between(ScalarNode, low: ScalarNode, high: ScalarNode)
    case inList(ScalarNode, [ScalarNode])
    case isNull(NullOperand)
    case spatial(CQL2SpatialOperator, GeometryNode, GeometryNode)
    case distanceWithin(GeometryNode, GeometryNode, metres: Double)
    case temporal(CQL2TemporalOperator, TemporalNode, TemporalNode)
}

/// A queryable as a compiled filter reads it from a feature.
struct PropertyReference: Sendable {
    var name: String
    var queryable: Queryable
}

/// A value operand.
indirect enum ScalarNode: Sendable {
    case property(PropertyReference)
    case constant(Scalar)
    case arithmetic(CQL2ArithmeticOperator, ScalarNode, ScalarNode)
    /// `CASEI`: PostgreSQL's `lower`.
    case lowercased(ScalarNode)
    /// `ACCENTI`: PostgreSQL's `unaccent`.
    case unaccented(ScalarNode)
    /// A condition used as a boolean value.
    case predicate(PredicateNode)
}

/// A value during evaluation. Instants are microseconds since 1970 (UTC).
enum Scalar: Sendable {
    case string(String)
    case number(Double)
    case boolean(Bool)
    case date(CQL2Date)
    case timestamp(Int64)
}

enum LikePatternNode: Sendable {
    case compiled(LikePattern)
    /// A pattern that is only known per feature (a property, `CASEI(property)`).
    case dynamic(ScalarNode)
}

/// The operand of `IS NULL`.
enum NullOperand: Sendable {
    case scalar(ScalarNode)
    case geometry(GeometryNode)
    /// An interval in two columns is NULL when both ends are.
    case intervalColumns(PropertyReference)
    /// An interval in a range is NULL when the range is.
    case intervalRange(PropertyReference)
    /// `INTERVAL(start, end) IS NULL` is whether its start is.
    case intervalStart(BoundNode)
}

enum GeometryNode: Sendable {
    case property(PropertyReference)
    /// A literal, by its index among the filter's prepared literals.
    case literal(Int)
}

/// The operand of a temporal function.
enum TemporalNode: Sendable {
    /// A timestamp or date queryable: an instant.
    case instant(PropertyReference)
    /// An interval queryable.
    case interval(PropertyReference)
    /// `INTERVAL(start, end)`, a date or a timestamp literal.
    case literal(start: BoundNode, end: BoundNode)
}

/// One end of an interval literal.
enum BoundNode: Sendable {
    /// `'..'`.
    case open
    case instant(Int64)
    case property(PropertyReference)
}

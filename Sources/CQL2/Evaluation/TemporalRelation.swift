/// The temporal functions on closed intervals (instants are intervals whose start is their end),
/// written exactly as the SQL translation writes them so that an unknown end gives the same answer.
enum TemporalRelation {
    /// `op(a, b)` for bounds in microseconds (`Int64.min`/`.max` for open ends, `nil` for NULL).
    static func holds(_ op: CQL2TemporalOperator, _ a: (Int64?, Int64?), _ b: (Int64?, Int64?)) -> Bool? {
        let (ls, le) = a
        let (rs, re) = b
        func lt(_ x: Int64?, _ y: Int64?) -> Bool? { x.flatMap { x in y.map { x < $0 } } }
        func le_(_ x: Int64?, _ y: Int64?) -> Bool? { x.flatMap { x in y.map { x <= $0 } } }
        func eq(_ x: Int64?, _ y: Int64?) -> Bool? { x.flatMap { x in y.map { x == $0 } } }
        func and(_ items: Bool?...) -> Bool? {
            if items.contains(false) { return false }
            return items.contains(nil) ? nil : true
        }
        func or(_ items: Bool?...) -> Bool? {
            if items.contains(true) { return true }
            return items.contains(nil) ? nil : false
        }
        switch op {
        case .after: return lt(re, ls)
        case .before: return lt(le, rs)
        case .contains: return and(lt(ls, rs), lt(re, le))
        case .disjoint: return or(lt(le, rs), lt(re, ls))
        case .during: return and(lt(rs, ls), lt(le, re))
        case .equals: return and(eq(ls, rs), eq(le, re))
        case .finishedBy: return and(lt(ls, rs), eq(le, re))
        case .finishes: return and(lt(rs, ls), eq(le, re))
        case .intersects: return and(le_(ls, re), le_(rs, le))
        case .meets: return eq(le, rs)
        case .metBy: return eq(ls, re)
        case .overlappedBy: return and(lt(rs, ls), lt(ls, re), lt(re, le))
        case .overlaps: return and(lt(ls, rs), lt(rs, le), lt(le, re))
        case .startedBy: return and(eq(ls, rs), lt(re, le))
        case .starts: return and(eq(ls, rs), lt(le, re))
        }
    }
}

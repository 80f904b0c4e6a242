import PostgresNIO

extension CQL2Error {
    /// The client's share of a query failure, to answer with a 400 instead of a 500:
    /// PostgreSQL's data exceptions (SQLSTATE class 22: overflow in filter arithmetic, the power of
    /// a negative number, a LIKE pattern from a property ending in `\`), and errors PostGIS raises
    /// evaluating geometries (a self-crossing polygon literal in `S_OVERLAPS`, a filter-crs
    /// coordinate outside its projection's domain). Anything else is not the filter's fault: `nil`.
    public static func evaluation(_ error: any Error) -> CQL2Error? {
        guard let error = error as? PSQLError, let info = error.serverInfo, let state = info[.sqlState] else { return nil }
        let message = info[.message] ?? "SQLSTATE \(state)"
        let fromPostGIS = state == "XX000" && (info[.file]?.hasPrefix("lwgeom") ?? false)
        guard state.hasPrefix("22") || fromPostGIS else { return nil }
        var detail = "the filter cannot be evaluated on this collection: \(message)"
        if message.contains("TopologyException") { detail += " (is a polygon in the filter crossing itself?)" }
        return CQL2Error(.invalidValue, detail)
    }
}

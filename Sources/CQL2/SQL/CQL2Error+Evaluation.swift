import PostgresNIO

extension CQL2Error {
    /// The client's share of a query failure: PostgreSQL's data exceptions (SQLSTATE class 22, e.g.
    /// a numeric overflow in filter arithmetic or a power of a negative number) come from the
    /// filter's values, so they are a 400 with PostgreSQL's message; anything else is not.
    public static func evaluation(_ error: any Error) -> CQL2Error? {
        guard let error = error as? PSQLError, let state = error.serverInfo?[.sqlState], state.hasPrefix("22") else { return nil }
        let message = error.serverInfo?[.message] ?? "SQLSTATE \(state)"
        return CQL2Error(.invalidValue, "the filter cannot be evaluated on this collection: \(message)")
    }
}

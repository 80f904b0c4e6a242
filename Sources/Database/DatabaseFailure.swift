import PostgresNIO

/// How a failed database write should be handled.
public enum DatabaseFailure: Sendable, Equatable {
    /// The database is unreachable, restarting or busy: retry the same write later.
    case transient
    /// The data could not be stored (a value out of range, an invalid geometry): the record is a dead letter.
    case data(String)
    /// A fault in our SQL or schema: retrying cannot help; the stage stops and says why.
    case fatal

    public init(_ error: any Error) {
        if let wrapped = error as? PostgresTransactionError {
            self.init(wrapped.cause)
            return
        }
        guard let error = error as? PSQLError else {
            self = .transient
            return
        }
        guard error.code == .server, let state = error.serverInfo?[.sqlState] else {
            self = .transient
            return
        }
        let message = error.serverInfo?[.message] ?? state
        switch state.prefix(2) {
        case "08", "53", "57", "55", "40", "58": self = .transient
        case "22", "23": self = .data("\(message) (SQLSTATE \(state))")
        case "XX": self = .data("\(message) (SQLSTATE \(state))")  // PostGIS reports geometry faults as internal errors
        default: self = .fatal
        }
    }
}

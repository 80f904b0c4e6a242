import Foundation
import Logging
import PostgresNIO

/// Makes a database ready for the platform: creates it when it is missing, then applies the
/// migrations (`Migrations`). Safe to run from any number of processes at once.
public enum DatabaseSchema {
    /// Creates the database if it is missing and applies migrations. Retries while PostgreSQL starts up.
    public static func prepare(_ database: DatabaseConfiguration, logger: Logger) async throws {
        try await DatabaseSession.withConnection(database.administrative, logger: logger) { connection in
            let rows = try await connection.query("SELECT count(*)::int FROM pg_database WHERE datname = \(database.database)", logger: logger)
                .decode(Int.self).reduce(0, +)
            if rows == 0 {
                // Identifiers cannot be bound; the name comes from the operator's configuration and loses its quotes.
                let name = database.database.replacingOccurrences(of: "\"", with: "")
                try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \"\(name)\""), logger: logger)
                logger.info("database created", metadata: ["database": "\(database.database)"])
            }
        }
        try await DatabaseSession.withConnection(database, logger: logger) { connection in
            try await Migrations.migrate(connection, logger: logger)
        }
    }
}

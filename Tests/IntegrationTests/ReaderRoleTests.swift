import Database
import Foundation
import Logging
import PostgresNIO
import ShikongTesting
import Testing

/// The API's reads connect as the read-only role of migration 24: it reads every table, tables made
/// after the migration too, and writes none; and the platform's reads really go through it.
@Suite("Read-only role")
struct ReaderRoleTests {
    @Test("the read model's role selects and cannot write; the API's reads use it")
    func readerCannotWrite() async throws {
        let platform = try await TestPlatform.shared()
        let reader = try #require(platform.configuration.readDatabase)
        #expect(reader.username == Migrations.readerRole)
        let logger = Logger(label: "shikong.test.reader")
        let connection = try await PostgresConnection.connect(configuration: try reader.connection(), id: 1, logger: logger)
        defer { Task { try? await connection.close() } }
        let applied = try await connection.query("SELECT count(*)::int FROM schema_migrations WHERE version = 24", logger: logger).decode(Int.self)
            .reduce(0, +)
        #expect(applied == 1)
        // A table the platform creates after the migration (a reading partition, a rebuilt projection) is readable too.
        let table = "reader_probe_\(UInt32.random(in: 0...UInt32.max))"
        _ = try await platform.withDatabase { client in
            try await client.query(PostgresQuery(unsafeSQL: "CREATE TABLE \(table) (x int)"), logger: logger)
        }
        _ = try await connection.query(PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(table)"), logger: logger).decode(Int.self).reduce(0, +)
        for statement in [
            "INSERT INTO \(table) VALUES (1)", "UPDATE collections SET title = title", "DELETE FROM entity_current",
            "CREATE TABLE reader_made (x int)", "DROP TABLE \(table)",
        ] {
            await #expect(throws: PSQLError.self, "\(statement)") {
                try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
            }
        }
        _ = try await platform.withDatabase { client in
            try await client.query(PostgresQuery(unsafeSQL: "DROP TABLE \(table)"), logger: logger)
        }

        // An items page is read on a connection of the role.
        #expect(try await platform.get("/collections/sensors/items?limit=1").status == 200)
        let readers = try await platform.count("SELECT count(*)::int FROM pg_stat_activity WHERE usename = \(Migrations.readerRole)")
        #expect(readers >= 1)
    }
}

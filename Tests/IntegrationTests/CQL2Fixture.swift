import CQL2
import Foundation
import Logging
import PostgresNIO
import ShikongTesting

/// A table of 3,000 features in the shared platform's PostgreSQL (schema `cql2_test`), made once
/// per test process: strings with LIKE wildcards, quotes, accents and Chinese, numbers, booleans,
/// dates, timestamps, two-column and range intervals, points and polygons in SRID 4490, with NULLs
/// sprinkled through every nullable column; a fifth of the polygons surround their row's point.
actor CQL2Fixture {
    static let rowCount = 3_000
    static let table = "cql2_test.features"

    static let queryables = Queryables([
        ("name", .string("name")),
        ("kind", .string("kind", nullable: false)),
        ("pm25", .number("pm25")),
        ("count", .integer("count")),
        ("active", .boolean("active")),
        ("day", .date("day")),
        ("observed_at", .timestamp("observed_at")),
        ("valid", .interval(start: "valid_from", end: "valid_to")),
        ("period", .interval(range: "period")),
        ("geometry", .geometry("geom", type: .point, nullable: false)),
        ("area", .geometry("area", type: .polygon)),
    ])

    private static let instance = CQL2Fixture()
    private var prepared: Task<PostgresClient, any Error>?

    /// The client, once the table exists.
    static func client() async throws -> PostgresClient {
        try await instance.prepare()
    }

    private func prepare() async throws -> PostgresClient {
        if let prepared { return try await prepared.value }
        let task = Task {
            let platform = try await TestPlatform.shared()
            let client = PostgresClient(configuration: try platform.configuration.database.client(), backgroundLogger: Logger(label: "cql2.test"))
            await withCheckedContinuation { (started: CheckedContinuation<Void, Never>) in
                Task {
                    started.resume()
                    await client.run()
                }
            }
            for statement in Self.setup { try await client.query(PostgresQuery(unsafeSQL: statement), logger: Self.logger) }
            return client
        }
        prepared = task
        return try await task.value
    }

    static let logger = Logger(label: "cql2.test")

    /// The ids a query returns, in order.
    static func ids(_ query: PostgresQuery) async throws -> [Int] {
        let client = try await client()
        var ids: [Int] = []
        for try await id in try await client.query(query, logger: logger).decode(Int.self) { ids.append(id) }
        return ids
    }

    private static let setup = [
        "CREATE EXTENSION IF NOT EXISTS unaccent",
        "DROP SCHEMA IF EXISTS cql2_test CASCADE",
        "CREATE SCHEMA cql2_test",
        """
        CREATE TABLE cql2_test.features (
            id integer PRIMARY KEY, name text, kind text NOT NULL, pm25 float8, count integer, active boolean, day date,
            observed_at timestamptz, valid_from timestamptz, valid_to timestamptz, period tstzrange,
            geom geometry(Point, 4490) NOT NULL, area geometry(Polygon, 4490))
        """,
        """
        INSERT INTO cql2_test.features
        SELECT i,
            CASE WHEN i % 17 = 0 THEN NULL
                ELSE (ARRAY['Wuhan', 'wuhan', 'WUHAN station', 'Hankou_1', 'Hankou%2', 'back\\slash', 'it''s', 'Café', 'café', '站点-武汉'])[1 + i % 10]
                    || CASE WHEN i % 3 = 0 THEN '' ELSE ' ' || i END
            END,
            (ARRAY['road', 'river', 'park', 'school'])[1 + i % 4],
            CASE WHEN i % 11 = 0 THEN NULL ELSE ((i * 37) % 500) / 2.0 END,
            CASE WHEN i % 13 = 0 THEN NULL ELSE (i * 7) % 100 END,
            CASE WHEN i % 19 = 0 THEN NULL ELSE i % 2 = 0 END,
            CASE WHEN i % 23 = 0 THEN NULL ELSE DATE '2026-01-01' + (i % 365) END,
            CASE WHEN i % 29 = 0 THEN NULL
                WHEN i % 50 = 0 THEN TIMESTAMPTZ '2026-01-01 00:00:00+00' + (i / 50) * INTERVAL '1 day'
                ELSE TIMESTAMPTZ '2026-01-01 00:00:00+00' + ((i::bigint * 1000003) % 31536000) * INTERVAL '1 second'
            END,
            CASE WHEN i % 31 = 0 THEN NULL ELSE TIMESTAMPTZ '2025-06-01 00:00:00+00' + (i % 400) * INTERVAL '1 day' END,
            CASE WHEN i % 37 = 0 THEN NULL ELSE TIMESTAMPTZ '2025-06-01 00:00:00+00' + (i % 400 + i % 90 + 1) * INTERVAL '1 day' END,
            CASE WHEN i % 41 = 0 THEN NULL
                WHEN i % 43 = 0 THEN tstzrange(NULL, TIMESTAMPTZ '2026-01-01 00:00:00+00' + (i % 200) * INTERVAL '1 day', '(]')
                WHEN i % 47 = 0 THEN tstzrange(TIMESTAMPTZ '2026-01-01 00:00:00+00' + (i % 200) * INTERVAL '1 day', NULL, '[)')
                ELSE tstzrange(TIMESTAMPTZ '2026-01-01 00:00:00+00' + (i % 200) * INTERVAL '1 day',
                    TIMESTAMPTZ '2026-01-01 00:00:00+00' + (i % 200 + i % 10 + 1) * INTERVAL '1 day', '[]')
            END,
            ST_SetSRID(ST_MakePoint(round(114.0 + ((i * 7) % 1000) / 1000.0, 3)::float8, round(30.3 + ((i * 13) % 700) / 1000.0, 3)::float8), 4490),
            CASE WHEN i % 7 = 0 THEN NULL
                WHEN i % 5 = 1 THEN ST_MakeEnvelope(round(114.0 + ((i * 7) % 1000) / 1000.0 - 0.004, 3)::float8,
                    round(30.3 + ((i * 13) % 700) / 1000.0 - 0.004, 3)::float8, round(114.0 + ((i * 7) % 1000) / 1000.0 + 0.006, 3)::float8,
                    round(30.3 + ((i * 13) % 700) / 1000.0 + 0.006, 3)::float8, 4490)
                ELSE ST_MakeEnvelope(round(114.0 + ((i * 11) % 500) / 1000.0, 3)::float8, round(30.3 + ((i * 17) % 400) / 1000.0, 3)::float8,
                    round(114.0 + ((i * 11) % 500) / 1000.0 + 0.01 * (1 + i % 5), 3)::float8,
                    round(30.3 + ((i * 17) % 400) / 1000.0 + 0.01 * (1 + i % 3), 3)::float8, 4490)
            END
        FROM generate_series(1, 3000) AS i
        """,
        "CREATE INDEX ON cql2_test.features USING gist (geom)",
        "CREATE INDEX ON cql2_test.features (observed_at)",
        "ANALYZE cql2_test.features",
    ]
}

import CQL2
import Foundation
import PostgresNIO
import Testing

/// How the translation behaves inside real queries: next to the caller's own parameters, with an
/// index, in a projected filter CRS, with sortby, and when PostgreSQL cannot evaluate a filter.
@Suite("CQL2 inside real queries")
struct CQL2QueryTests {
    let translator = CQL2Translator(queryables: CQL2Fixture.queryables)

    @Test("a filter joins the caller's own parameterised conditions")
    func combinesWithCallerParameters() async throws {
        let kind = "park"
        let limit = 50
        var query: PostgresQuery = "SELECT id FROM cql2_test.features WHERE kind = \(kind) AND id > \(100) AND "
        try translator.append(CQL2.parse("pm25 BETWEEN 20 AND 200 AND name LIKE 'Wuhan%'"), to: &query)
        let limitPlaceholder = query.bind(limit)
        query.sql += " ORDER BY id LIMIT \(limitPlaceholder)"
        let ids = try await CQL2Fixture.ids(query)
        let expected = try await CQL2Fixture.ids(
            "SELECT id FROM cql2_test.features WHERE kind = 'park' AND id > 100 AND pm25 >= 20 AND pm25 <= 200 AND left(name, 5) = 'Wuhan' ORDER BY id LIMIT 50"
        )
        #expect(!expected.isEmpty)
        #expect(ids == expected)
    }

    @Test("bbox and S_DWITHIN filters are served by the GiST index")
    func indexUse() async throws {
        let client = try await CQL2Fixture.client()
        for filter in ["S_INTERSECTS(geometry, BBOX(114.2, 30.5, 114.21, 30.51))", "S_DWITHIN(geometry, POINT(114.3 30.6), 300)"] {
            let plan = try await client.withConnection { connection in
                try await connection.query("SET enable_seqscan = off", logger: CQL2Fixture.logger)
                var query = PostgresQuery(unsafeSQL: "EXPLAIN SELECT id FROM cql2_test.features WHERE ")
                try translator.append(CQL2.parse(filter), to: &query)
                var lines: [String] = []
                for try await line in try await connection.query(query, logger: CQL2Fixture.logger).decode(String.self) { lines.append(line) }
                try await connection.query("RESET enable_seqscan", logger: CQL2Fixture.logger)
                return lines.joined(separator: "\n")
            }
            #expect(plan.contains("features_geom_idx"), "\(filter):\n\(plan)")
        }
    }

    @Test("literals in CGCS2000 Gauss-Krüger (EPSG:4547, northing first) are transformed to 4490")
    func gaussKruger() async throws {
        let client = try await CQL2Fixture.client()
        var wkt = ""
        for try await text in try await client.query(
            "SELECT ST_AsText(ST_Transform(ST_MakeEnvelope(114.2005, 30.5005, 114.4005, 30.7005, 4490), 4547))", logger: CQL2Fixture.logger
        ).decode(String.self) { wkt = text }
        // ST_AsText writes easting northing; EPSG:4547's axis order is northing, easting.
        let positions = wkt.drop { $0 != "(" }.trimmingCharacters(in: CharacterSet(charactersIn: "()")).split(separator: ",")
        let swapped = positions.map { position in position.split(separator: " ").reversed().joined(separator: " ") }
        let filter = "S_INTERSECTS(geometry, POLYGON((\(swapped.joined(separator: ", ")))))"
        let gaussKruger = CQL2Translator(queryables: CQL2Fixture.queryables, filterCRS: try FilterCRS(parsing: "EPSG:4547"))
        var query = PostgresQuery(unsafeSQL: "SELECT id FROM cql2_test.features WHERE ")
        try gaussKruger.append(CQL2.parse(filter), to: &query)
        query.sql += " ORDER BY id"
        let ids = try await CQL2Fixture.ids(query)
        let expected = try await CQL2Fixture.ids(
            PostgresQuery(
                unsafeSQL:
                    "SELECT id FROM cql2_test.features WHERE ST_Intersects(geom, ST_Transform(ST_GeomFromText('\(wkt)', 4547), 4490)) ORDER BY id"))
        #expect(expected.count > 100)
        #expect(ids == expected)
    }

    @Test("sortby orders as the hand-written ORDER BY does")
    func sortBy() async throws {
        let sort = try SortBy(parsing: "-pm25,+name, valid", queryables: CQL2Fixture.queryables)
        let ids = try await CQL2Fixture.ids(PostgresQuery(unsafeSQL: "SELECT id FROM cql2_test.features ORDER BY \(sort.sql), id"))
        let expected = try await CQL2Fixture.ids("SELECT id FROM cql2_test.features ORDER BY pm25 DESC, name ASC, valid_from, valid_to, id")
        #expect(ids == expected)
    }

    @Test("a filter PostgreSQL cannot evaluate is the client's error")
    func evaluationError() async throws {
        var query = PostgresQuery(unsafeSQL: "SELECT id FROM cql2_test.features WHERE ")
        try translator.append(CQL2.parse("(pm25 - 300) ^ 0.5 > 1"), to: &query)
        do {
            _ = try await CQL2Fixture.ids(query)
            Issue.record("the power of a negative number was evaluated")
        } catch {
            let clientError = try #require(CQL2Error.evaluation(error))
            #expect(clientError.message.contains("cannot be evaluated"))
        }
        #expect(CQL2Error.evaluation(CancellationError()) == nil)
    }

    @Test(
        "PostGIS failures on a filter's geometry are the client's error",
        arguments: [
            ("S_OVERLAPS(area, POLYGON((114.0 30.3, 114.5 30.7, 114.5 30.3, 114.0 30.7, 114.0 30.3)))", "CRS84", "crossing itself"),
            ("S_INTERSECTS(geometry, BBOX(1e300, 1e300, 1e301, 1e301))", "EPSG:4547", "projection domain"),
        ])
    func postGISFailure(filter: String, crs: String, mentions: String) async throws {
        let translator = CQL2Translator(queryables: CQL2Fixture.queryables, filterCRS: try FilterCRS(parsing: crs))
        var query = PostgresQuery(unsafeSQL: "SELECT id FROM cql2_test.features WHERE ")
        try translator.append(CQL2.parse(filter), to: &query)
        do {
            _ = try await CQL2Fixture.ids(query)
            Issue.record("PostGIS evaluated \(filter)")
        } catch {
            let clientError = try #require(CQL2Error.evaluation(error), "\(String(reflecting: error))")
            #expect(clientError.message.contains(mentions), "\(clientError.message)")
        }
    }
}

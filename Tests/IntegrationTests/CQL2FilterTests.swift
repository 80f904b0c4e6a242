import CQL2
import Foundation
import PostgresNIO
import Testing

/// Every CQL2 filter here must select exactly the rows that a hand-written SQL condition selects on
/// the same real PostGIS table. The hand-written conditions avoid the translator's own constructs
/// where they can (starts_with for LIKE, ILIKE for CASEI, range containment for tstzrange, the
/// spheroid distance for S_DWITHIN), so they check meaning, not spelling.
@Suite("CQL2 filters select the same rows as hand-written SQL")
struct CQL2FilterTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var filter: String
        var expected: String
        var json: String? = nil
        var crs: String? = nil
        var mayBeEmpty = false
        var mayMatchAll = false
        var testDescription: String { filter + (crs.map { " [filter-crs \($0)]" } ?? "") }
    }

    static let box = "BBOX(114.2005, 30.5005, 114.4005, 30.7005)"
    static let inBox = "ST_X(geom) BETWEEN 114.2005 AND 114.4005 AND ST_Y(geom) BETWEEN 30.5005 AND 30.7005"
    static let envelope = "ST_MakeEnvelope(114.2005, 30.5005, 114.4005, 30.7005, 4490)"
    static let triangle = "POLYGON((114.1005 30.4005, 114.5005 30.4005, 114.3005 30.8005, 114.1005 30.4005))"
    static let spheroid = #"'SPHEROID["CGCS2000",6378137,298.257222101]'"#
    static let wuhan = "ST_SetSRID(ST_MakePoint(114.3, 30.6), 4490)"

    /// The box above in Web Mercator metres.
    static var mercatorBox: String {
        func x(_ longitude: Double) -> Double { 6_378_137 * longitude * .pi / 180 }
        func y(_ latitude: Double) -> Double { 6_378_137 * log(tan(.pi / 4 + latitude * .pi / 360)) }
        return "BBOX(\(x(114.2005)), \(y(30.5005)), \(x(114.4005)), \(y(30.7005)))"
    }

    static let cases: [Case] = [
        // Strings, NULLs, LIKE and its escapes.
        Case(filter: "name = 'Wuhan'", expected: "name = 'Wuhan'", json: #"{"op":"=","args":[{"property":"name"},"Wuhan"]}"#),
        Case(filter: "name <> 'Wuhan'", expected: "name <> 'Wuhan'"),
        Case(filter: "NOT (name = 'Wuhan')", expected: "name IS NOT NULL AND name <> 'Wuhan'"),
        Case(filter: "name IS NULL", expected: "name IS NULL", json: #"{"op":"isNull","args":[{"property":"name"}]}"#),
        Case(filter: "name IS NOT NULL AND kind = 'road'", expected: "name IS NOT NULL AND kind = 'road'"),
        Case(filter: "name LIKE 'Wuhan%'", expected: "left(name, 5) = 'Wuhan'", json: #"{"op":"like","args":[{"property":"name"},"Wuhan%"]}"#),
        Case(filter: "name LIKE 'Wuhan __'", expected: "name ~ '^Wuhan ..$'"),
        Case(filter: #"name LIKE 'Hankou\_%'"#, expected: "starts_with(name, 'Hankou_')"),
        Case(filter: "name LIKE 'Hankou_%'", expected: "starts_with(name, 'Hankou')"),
        Case(filter: #"name LIKE '%\%%'"#, expected: "strpos(name, '%') > 0"),
        Case(filter: #"name LIKE 'back\\slash%'"#, expected: #"starts_with(name, 'back\slash')"#),
        Case(filter: "name NOT LIKE '%a%'", expected: "strpos(name, 'a') = 0"),
        Case(filter: "name = 'it''s'", expected: "strpos(name, '''') = 3 AND length(name) = 4"),
        Case(filter: "CASEI(name) = CASEI('wuhan')", expected: "name ILIKE 'wuhan'"),
        Case(
            filter: "CASEI(name) LIKE CASEI('WUHAN%')", expected: "name ILIKE 'wuhan%'",
            json: #"{"op":"like","args":[{"op":"casei","args":[{"property":"name"}]},{"op":"casei","args":["WUHAN%"]}]}"#),
        Case(filter: "ACCENTI(name) LIKE 'cafe%'", expected: "starts_with(name, 'café')"),
        Case(filter: "CASEI(ACCENTI(name)) = 'cafe'", expected: "name IN ('Café', 'café')"),
        Case(filter: "name LIKE '站点%'", expected: "starts_with(name, '站点')"),
        Case(filter: "name IN ('Wuhan', kind)", expected: "name = 'Wuhan' OR name = kind"),
        // Numbers, BETWEEN and IN bounds, arithmetic.
        Case(filter: "pm25 > 100", expected: "pm25 > 100"),
        Case(filter: "pm25 = 50", expected: "pm25 = 50.0"),
        Case(filter: "NOT (pm25 > 100 OR count < 10)", expected: "pm25 <= 100 AND count >= 10"),
        Case(filter: "pm25 BETWEEN 10 AND 20", expected: "pm25 >= 10 AND pm25 <= 20", json: #"{"op":"between","args":[{"property":"pm25"},10,20]}"#),
        Case(filter: "pm25 NOT BETWEEN 10 AND 240", expected: "pm25 < 10 OR pm25 > 240"),
        Case(filter: "pm25 BETWEEN 20 AND 10", expected: "false", mayBeEmpty: true),
        Case(filter: "count BETWEEN 10.5 AND 12", expected: "count IN (11, 12)"),
        Case(filter: "count = 7", expected: "count = 7"),
        Case(filter: "count < 5.5", expected: "count <= 5"),
        Case(
            filter: "kind IN ('road', 'park')", expected: "kind = 'road' OR kind = 'park'",
            json: #"{"op":"in","args":[{"property":"kind"},["road","park"]]}"#),
        Case(filter: "count NOT IN (1, 2, 3, 14)", expected: "count <> 1 AND count <> 2 AND count <> 3 AND count <> 14"),
        Case(filter: "count IN (1.5, 14)", expected: "count = 14"),
        Case(filter: "pm25 IN (0.5, 1, 100)", expected: "pm25 = 0.5 OR pm25 = 1 OR pm25 = 100"),
        Case(filter: "pm25 > count", expected: "pm25 > count"),
        Case(filter: "pm25 * 2 - count > 100", expected: "pm25 * 2 - count > 100"),
        Case(filter: "count % 7 = 3", expected: "count % 7 = 3"),
        Case(filter: "count div 7 = 3", expected: "count >= 21 AND count <= 27"),
        Case(filter: "pm25 / 0 > 1 OR pm25 / 2 > 120", expected: "pm25 > 240"),
        Case(filter: "count ^ 2 >= 2500", expected: "count >= 50"),
        Case(filter: "-pm25 < -200", expected: "pm25 > 200"),
        // Booleans.
        Case(filter: "active", expected: "active IS TRUE"),
        Case(filter: "NOT active", expected: "active IS FALSE"),
        Case(filter: "active = FALSE AND kind = 'river'", expected: "active IS FALSE AND kind = 'river'"),
        Case(filter: "active IS NULL", expected: "active IS NULL"),
        Case(filter: "TRUE", expected: "true", mayMatchAll: true),
        Case(filter: "FALSE OR pm25 < 1", expected: "pm25 < 1"),
        // Dates and timestamps.
        Case(filter: "day = DATE('2026-03-01')", expected: "day = '2026-03-01'"),
        Case(filter: "day >= DATE('2026-12-01')", expected: "day >= '2026-12-01'"),
        Case(filter: "observed_at < DATE('2026-02-01')", expected: "observed_at < '2026-02-01T00:00:00Z'"),
        Case(
            filter: "observed_at >= TIMESTAMP('2026-06-01T12:00:00Z') AND observed_at < TIMESTAMP('2026-06-10T00:00:00+08:00')",
            expected: "observed_at >= '2026-06-01 12:00:00Z' AND observed_at < '2026-06-09 16:00:00Z'"),
        Case(filter: "day < observed_at", expected: "(day - DATE '1970-01-01') * 86400 < extract(epoch FROM observed_at)"),
        // Temporal functions on instants.
        Case(filter: "T_AFTER(observed_at, TIMESTAMP('2026-10-01T00:00:00Z'))", expected: "observed_at > '2026-10-01Z'"),
        Case(filter: "T_BEFORE(observed_at, INTERVAL('2026-02-01', '2026-03-01'))", expected: "observed_at < '2026-02-01Z'"),
        Case(
            filter: "T_DURING(observed_at, INTERVAL('2026-02-01', '2026-03-01'))",
            expected: "observed_at > '2026-02-01Z' AND observed_at < '2026-03-01Z'",
            json: #"{"op":"t_during","args":[{"property":"observed_at"},{"interval":["2026-02-01","2026-03-01"]}]}"#),
        Case(filter: "T_INTERSECTS(observed_at, INTERVAL('..', '2026-02-01'))", expected: "observed_at <= '2026-02-01Z'"),
        Case(filter: "T_INTERSECTS(observed_at, INTERVAL('2026-11-01', '..'))", expected: "observed_at >= '2026-11-01Z'"),
        Case(filter: "T_EQUALS(observed_at, TIMESTAMP('2026-01-03T00:00:00Z'))", expected: "observed_at = '2026-01-03Z'"),
        Case(
            filter: "NOT T_INTERSECTS(observed_at, INTERVAL('2026-02-01', '..'))", expected: "observed_at IS NULL OR observed_at < '2026-02-01Z'",
            json: #"{"op":"not","args":[{"op":"t_intersects","args":[{"property":"observed_at"},{"interval":["2026-02-01",".."]}]}]}"#),
        Case(
            filter: "T_DISJOINT(observed_at, INTERVAL('2026-02-01', '2026-11-01'))",
            expected: "observed_at < '2026-02-01Z' OR observed_at > '2026-11-01Z'"),
        Case(filter: "T_INTERSECTS(day, INTERVAL('2026-03-01', '2026-03-31'))", expected: "day BETWEEN '2026-03-01' AND '2026-03-31'"),
        // Temporal functions on a two-column interval whose NULL ends are open.
        Case(
            filter: "T_CONTAINS(valid, TIMESTAMP('2026-01-15T00:00:00Z'))",
            expected: "(valid_from IS NULL OR valid_from < '2026-01-15Z') AND (valid_to IS NULL OR valid_to > '2026-01-15Z')"),
        Case(
            filter: "T_INTERSECTS(valid, INTERVAL('2025-09-01', '2025-09-30'))",
            expected: "(valid_from IS NULL OR valid_from <= '2025-09-30Z') AND (valid_to IS NULL OR valid_to >= '2025-09-01Z')"),
        Case(filter: "T_DURING(valid, INTERVAL('2025-06-01', '..'))", expected: "valid_from > '2025-06-01Z' AND valid_to IS NOT NULL"),
        Case(filter: "T_STARTS(valid, INTERVAL('2025-08-01', '..'))", expected: "valid_from = '2025-08-01Z' AND valid_to IS NOT NULL"),
        Case(filter: "T_MEETS(valid, INTERVAL('2025-09-04', '2025-12-01'))", expected: "valid_to = '2025-09-04Z'"),
        Case(filter: "T_METBY(valid, INTERVAL('2025-01-01', '2025-09-01'))", expected: "valid_from = '2025-09-01Z'"),
        Case(
            filter: "T_OVERLAPS(valid, INTERVAL('2025-09-01', '2025-12-01'))",
            expected: "(valid_from IS NULL OR valid_from < '2025-09-01Z') AND valid_to > '2025-09-01Z' AND valid_to < '2025-12-01Z'"),
        Case(
            filter: "T_OVERLAPPEDBY(valid, INTERVAL('2025-06-01', '2025-09-01'))",
            expected: "valid_from > '2025-06-01Z' AND valid_from < '2025-09-01Z' AND (valid_to IS NULL OR valid_to > '2025-09-01Z')"),
        Case(
            filter: "T_STARTEDBY(valid, INTERVAL('2025-07-01', '2025-07-15'))",
            expected: "valid_from = '2025-07-01Z' AND (valid_to IS NULL OR valid_to > '2025-07-15Z')"),
        Case(
            filter: "T_FINISHEDBY(valid, INTERVAL('2025-07-15', '2025-09-04'))",
            expected: "(valid_from IS NULL OR valid_from < '2025-07-15Z') AND valid_to = '2025-09-04Z'"),
        Case(filter: "T_FINISHES(valid, INTERVAL('2025-07-15', '2025-09-04'))", expected: "valid_from > '2025-07-15Z' AND valid_to = '2025-09-04Z'"),
        Case(filter: "T_EQUALS(valid, INTERVAL('2025-06-02', '2025-06-04'))", expected: "valid_from = '2025-06-02Z' AND valid_to = '2025-06-04Z'"),
        Case(filter: "T_EQUALS(valid, INTERVAL('..', '2025-08-03'))", expected: "valid_from IS NULL AND valid_to = '2025-08-03Z'"),
        Case(filter: "T_AFTER(valid, INTERVAL('2025-01-01', '2026-06-01'))", expected: "valid_from > '2026-06-01Z'"),
        Case(filter: "T_BEFORE(valid, DATE('2025-07-01'))", expected: "valid_to < '2025-07-01Z'"),
        // Temporal functions on a tstzrange with infinite bounds.
        Case(filter: "T_INTERSECTS(period, TIMESTAMP('2026-03-01T00:00:00Z'))", expected: "period @> '2026-03-01Z'::timestamptz"),
        Case(filter: "T_AFTER(period, DATE('2026-03-01'))", expected: "NOT lower_inf(period) AND lower(period) > '2026-03-01Z'"),
        Case(
            filter: "NOT T_DURING(period, INTERVAL('2026-02-01', '2026-05-01'))",
            expected:
                "period IS NULL OR NOT (NOT lower_inf(period) AND lower(period) > '2026-02-01Z' AND NOT upper_inf(period) AND upper(period) < '2026-05-01Z')"
        ),
        Case(
            filter: "T_INTERSECTS(valid, period)",
            expected:
                "period IS NOT NULL AND (valid_from IS NULL OR upper_inf(period) OR valid_from <= upper(period)) AND (valid_to IS NULL OR lower_inf(period) OR valid_to >= lower(period))"
        ),
        // Spatial functions, literals in CRS84 unless said otherwise.
        Case(
            filter: "S_INTERSECTS(geometry, \(box))", expected: inBox,
            json: #"{"op":"s_intersects","args":[{"property":"geometry"},{"bbox":[114.2005,30.5005,114.4005,30.7005]}]}"#),
        Case(
            filter: "S_INTERSECTS(geometry, BBOX(30.5005, 114.2005, 30.7005, 114.4005))", expected: inBox,
            crs: "http://www.opengis.net/def/crs/EPSG/0/4326"),
        Case(filter: "S_INTERSECTS(geometry, \(mercatorBox))", expected: inBox, crs: "http://www.opengis.net/def/crs/EPSG/0/3857"),
        Case(
            filter: "S_WITHIN(geometry, \(triangle))", expected: "ST_Within(geom, ST_GeomFromText('\(triangle)', 4490))",
            json:
                #"{"op":"s_within","args":[{"property":"geometry"},{"type":"Polygon","coordinates":[[[114.1005,30.4005],[114.5005,30.4005],[114.3005,30.8005],[114.1005,30.4005]]]}]}"#
        ),
        Case(filter: "S_INTERSECTS(area, POINT(114.3005 30.5005))", expected: "ST_Covers(area, ST_SetSRID(ST_MakePoint(114.3005, 30.5005), 4490))"),
        Case(filter: "S_CONTAINS(area, geometry)", expected: "ST_Contains(area, geom)"),
        Case(filter: "S_DISJOINT(area, \(box))", expected: "NOT ST_Intersects(area, \(envelope))"),
        Case(filter: "NOT S_INTERSECTS(area, \(box))", expected: "area IS NULL OR NOT ST_Intersects(area, \(envelope))"),
        Case(
            filter: "S_TOUCHES(area, BBOX(30.5, 114.2, 30.7, 114.4))", expected: "ST_Touches(area, ST_MakeEnvelope(114.2, 30.5, 114.4, 30.7, 4490))",
            crs: "EPSG:4490"),
        Case(filter: "S_OVERLAPS(area, \(triangle))", expected: "ST_Overlaps(area, ST_GeomFromText('\(triangle)', 4490))"),
        Case(
            filter: "S_CROSSES(LINESTRING(114.0005 30.3005, 114.5005 30.7005), area)",
            expected: "ST_Crosses(ST_GeomFromText('LINESTRING(114.0005 30.3005, 114.5005 30.7005)', 4490), area)"),
        Case(filter: "S_EQUALS(geometry, POINT(30.313 114.007))", expected: "ST_X(geom) = 114.007 AND ST_Y(geom) = 30.313", crs: "EPSG:4490"),
        Case(
            filter:
                "S_INTERSECTS(geometry, MULTIPOLYGON(((114.0005 30.3005, 114.1005 30.3005, 114.1005 30.4005, 114.0005 30.3005)), ((114.4005 30.6005, 114.5005 30.6005, 114.5005 30.7005, 114.4005 30.6005))))",
            expected:
                "ST_Intersects(geom, ST_GeomFromText('MULTIPOLYGON(((114.0005 30.3005, 114.1005 30.3005, 114.1005 30.4005, 114.0005 30.3005)), ((114.4005 30.6005, 114.5005 30.6005, 114.5005 30.7005, 114.4005 30.6005)))', 4490))"
        ),
        Case(
            filter: "S_INTERSECTS(area, GEOMETRYCOLLECTION(POINT(114.3005 30.5005), LINESTRING(114.0005 30.6005, 114.5005 30.6005)))",
            expected:
                "ST_Intersects(area, ST_GeomFromText('GEOMETRYCOLLECTION(POINT(114.3005 30.5005), LINESTRING(114.0005 30.6005, 114.5005 30.6005))', 4490))"
        ),
        // S_DWITHIN: geodesic distances on the CGCS2000 ellipsoid.
        Case(
            filter: "S_DWITHIN(geometry, POINT(114.3 30.6), 5000)", expected: "ST_DistanceSpheroid(geom, \(wuhan), \(spheroid)) <= 5000",
            json: #"{"op":"s_dwithin","args":[{"property":"geometry"},{"type":"Point","coordinates":[114.3,30.6]},5000,"meters"]}"#),
        Case(
            filter: "S_DWITHIN(geometry, POINT(114.3 30.6), 12.5, kilometers)", expected: "ST_DistanceSpheroid(geom, \(wuhan), \(spheroid)) <= 12500"),
        Case(filter: "S_DWITHIN(geometry, POINT(30.313 114.007), 0)", expected: "ST_X(geom) = 114.007 AND ST_Y(geom) = 30.313", crs: "EPSG:4490"),
        Case(
            filter: "S_DWITHIN(geometry, POLYGON((114.2 30.5, 114.25 30.5, 114.25 30.55, 114.2 30.5)), 2, 'statute miles')",
            expected:
                "ST_DWithin(geom::geography, ST_GeomFromText('POLYGON((114.2 30.5, 114.25 30.5, 114.25 30.55, 114.2 30.5))', 4490)::geography, 3218.688)"
        ),
        Case(filter: "NOT S_DWITHIN(geometry, POINT(114.3 30.6), 20000)", expected: "ST_DistanceSpheroid(geom, \(wuhan), \(spheroid)) > 20000"),
        Case(filter: "S_DWITHIN(area, geometry, 3000)", expected: "ST_DWithin(area::geography, geom::geography, 3000)"),
        Case(
            filter: "S_DWITHIN(BBOX(114.2, 30.5, 114.3, 30.6), geometry, 1000)",
            expected: "ST_DWithin(geom::geography, ST_MakeEnvelope(114.2, 30.5, 114.3, 30.6, 4490)::geography, 1000)"),
        // Combinations.
        Case(
            filter:
                "(kind = 'road' OR kind = 'park') AND pm25 > 50 AND S_INTERSECTS(geometry, BBOX(114.1005, 30.4005, 114.4005, 30.7005)) AND T_AFTER(observed_at, DATE('2026-06-01'))",
            expected:
                "kind IN ('road', 'park') AND pm25 > 50 AND ST_X(geom) BETWEEN 114.1005 AND 114.4005 AND ST_Y(geom) BETWEEN 30.4005 AND 30.7005 AND observed_at > '2026-06-01Z'",
            json:
                #"{"op":"and","args":[{"op":"or","args":[{"op":"=","args":[{"property":"kind"},"road"]},{"op":"=","args":[{"property":"kind"},"park"]}]},{"op":">","args":[{"property":"pm25"},50]},{"op":"s_intersects","args":[{"property":"geometry"},{"bbox":[114.1005,30.4005,114.4005,30.7005]}]},{"op":"t_after","args":[{"property":"observed_at"},{"date":"2026-06-01"}]}]}"#
        ),
        Case(filter: "NOT (name LIKE 'Wuhan%' OR count IS NULL) AND active", expected: "NOT (left(name, 5) = 'Wuhan' OR count IS NULL) AND active"),
    ]

    @Test("same rows", arguments: cases)
    func sameRows(_ case: Case) async throws {
        let expected = try await CQL2Fixture.ids(
            PostgresQuery(unsafeSQL: "SELECT id FROM \(CQL2Fixture.table) WHERE \(`case`.expected) ORDER BY id"))
        let translator = CQL2Translator(
            queryables: CQL2Fixture.queryables, filterCRS: try `case`.crs.map { try FilterCRS(parsing: $0) } ?? .crs84,
            accentInsensitiveFunction: "unaccent")
        var encodings: [(CQL2.Language, String)] = [(.text, `case`.filter)]
        if let json = `case`.json { encodings.append((.json, json)) }
        for (language, filter) in encodings {
            var query = PostgresQuery(unsafeSQL: "SELECT id FROM \(CQL2Fixture.table) WHERE ")
            try translator.append(CQL2.parse(filter, language: language), to: &query)
            query.sql += " ORDER BY id"
            let ids = try await CQL2Fixture.ids(query)
            let missing = Set(expected).subtracting(ids).sorted()
            let extra = Set(ids).subtracting(expected).sorted()
            #expect(
                missing.isEmpty && extra.isEmpty,
                "\(language.rawValue): \(ids.count) rows, expected \(expected.count); missing \(missing.prefix(10)), extra \(extra.prefix(10)); SQL: \(query.sql)"
            )
        }
        if !`case`.mayBeEmpty { #expect(!expected.isEmpty, "the case selects nothing, so it cannot tell right from wrong") }
        if !`case`.mayMatchAll { #expect(expected.count < CQL2Fixture.rowCount, "the case selects everything") }
    }
}

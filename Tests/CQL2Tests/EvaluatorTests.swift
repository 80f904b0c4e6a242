import CQL2
import Testing

/// The in-memory evaluator on small cases; `CQL2EvaluatorTests` (integration) compares it with PostGIS
/// on the whole fixture.
@Suite("CQL2 evaluated in memory")
struct EvaluatorTests {
    static let queryables = Queryables([
        ("name", .string("name")), ("pm25", .number("pm25")), ("count", .integer("count")), ("seen", .timestamp("seen")),
        ("valid", .interval(start: "valid_from", end: "valid_to")), ("geometry", .geometry("geom")),
    ])

    static func matches(_ filter: String, _ values: [String: CQL2Value]) throws -> Bool {
        try CQL2Filter(filter, queryables: queryables).evaluate(CQL2PropertyFeature(values))
    }

    @Test("LIKE wildcards and escapes")
    func like() throws {
        #expect(try Self.matches("name LIKE 'Han%'", ["name": .string("Hankou")]))
        #expect(try Self.matches(#"name LIKE 'a\_b'"#, ["name": .string("a_b")]))
        #expect(try !Self.matches(#"name LIKE 'a\_b'"#, ["name": .string("axb")]))
        #expect(try Self.matches("name LIKE '站_%'", ["name": .string("站点-武汉")]))
        #expect(try Self.matches("CASEI(name) LIKE CASEI('HAN%')", ["name": .string("hankou")]))
    }

    @Test("a missing value makes a comparison unknown, and its NOT too; a spatial function false")
    func threeValuedLogic() throws {
        #expect(try !Self.matches("pm25 > 10", [:]))
        #expect(try !Self.matches("NOT (pm25 > 10)", [:]))
        #expect(try Self.matches("pm25 IS NULL", [:]))
        #expect(try Self.matches("NOT S_INTERSECTS(geometry, BBOX(114, 30, 115, 31))", [:]))
        #expect(try Self.matches("pm25 > 10 OR name = 'a'", ["name": .string("a")]))
    }

    @Test("arithmetic: division by zero matches nothing, integers round as the SQL cast does")
    func arithmetic() throws {
        #expect(try !Self.matches("pm25 / 0 > 1", ["pm25": .number(5)]))
        #expect(try !Self.matches("NOT (pm25 / 0 > 1)", ["pm25": .number(5)]))
        #expect(try Self.matches("count = 4", ["count": .number(3.6)]))
        #expect(try Self.matches("count div 2 = 3 AND count % 4 = 3", ["count": .number(7)]))
    }

    @Test("intervals with open ends, instants, dates against timestamps")
    func temporal() throws {
        let seen = CQL2Value.timestamp(CQL2Timestamp(parsing: "2026-03-01T12:00:00Z")!)
        #expect(try Self.matches("T_DURING(seen, INTERVAL('2026-03-01', '2026-03-02'))", ["seen": seen]))
        #expect(try Self.matches("seen > DATE('2026-03-01')", ["seen": seen]))
        let open = CQL2Value.interval(start: CQL2Timestamp(parsing: "2026-01-01T00:00:00Z"), end: nil)
        #expect(try Self.matches("T_CONTAINS(valid, TIMESTAMP('2099-01-01T00:00:00Z'))", ["valid": open]))
        #expect(try !Self.matches("T_BEFORE(valid, DATE('2099-01-01'))", ["valid": open]))
    }

    @Test("spatial predicates in GEOS, S_DWITHIN on the ellipsoid, literals in another filter-crs")
    func spatial() throws {
        let point = CQL2Value.geometry(.point([114.3, 30.6]))
        #expect(try Self.matches("S_INTERSECTS(geometry, BBOX(114.2, 30.5, 114.4, 30.7))", ["geometry": point]))
        #expect(try Self.matches("S_WITHIN(geometry, POLYGON((114 30, 115 30, 115 31, 114 30)))", ["geometry": .geometry(.point([114.9, 30.1]))]))
        // 0.01° of longitude at 30.6°N is about 958 m on the ellipsoid.
        #expect(try Self.matches("S_DWITHIN(geometry, POINT(114.31 30.6), 960)", ["geometry": point]))
        #expect(try !Self.matches("S_DWITHIN(geometry, POINT(114.31 30.6), 955)", ["geometry": point]))
        #expect(try Self.matches("S_DWITHIN(geometry, LINESTRING(114.31 30.5, 114.31 30.7), 960)", ["geometry": point]))
        let latitudeFirst = try CQL2Filter(
            "S_INTERSECTS(geometry, BBOX(30.5, 114.2, 30.7, 114.4))", queryables: Self.queryables, filterCRS: FilterCRS(parsing: "EPSG:4490"))
        #expect(latitudeFirst.evaluate(CQL2PropertyFeature(["geometry": point])))
    }
}

import CQL2
import PostgresNIO
import Testing

@Suite("translation to SQL")
struct TranslatorTests {
    let translator = CQL2Translator(queryables: testQueryables)

    func sql(_ filter: String, language: CQL2.Language = .text) throws(CQL2Error) -> PostgresQuery {
        try translator.fragment(CQL2.parse(filter, language: language))
    }

    @Test("literals are bound, never written into the SQL")
    func literalsAreBound() throws {
        let hostile = "x'); DROP TABLE features; --"
        let query = try sql("name = '\(hostile.replacingOccurrences(of: "'", with: "''"))' OR name LIKE 'a%' OR pm25 > 12.5")
        #expect(!query.sql.contains("DROP"))
        #expect(!query.sql.contains("12.5"))
        #expect(!query.sql.contains("a%"))
        #expect(query.binds.count == 3)
        #expect(query.sql == "((((name) = $1) OR ((name) LIKE $2) OR ((pm25) > $3)))")
    }

    @Test("placeholders continue after the caller's own bindings")
    func combinesWithCallerBindings() throws {
        let limit = 10
        var query: PostgresQuery = "SELECT id FROM features WHERE kind = \("a") AND count < \(limit) AND "
        try translator.append(CQL2.parse("name = 'x' AND pm25 BETWEEN 1 AND 2"), to: &query)
        query.sql += " LIMIT \(query.binds.count + 1)"
        #expect(query.sql.hasSuffix("(((name) = $3) AND ((pm25) BETWEEN $4 AND $5))) LIMIT 6"))
        #expect(query.binds.count == 5)
    }

    @Test("a filter cannot bind more parameters than PostgreSQL takes")
    func parameterLimit() throws {
        let many = (0...CQL2Translator.maximumParameters).map { "pm25 = \($0)" }.joined(separator: " OR ")
        #expect(throws: CQL2Error.self) { try sql(many) }
        let list = "pm25 IN (" + (0...CQL2Translator.maximumParameters).map(String.init).joined(separator: ",") + ")"
        #expect(try sql(list).binds.count == 1)
    }

    @Test("an error leaves the caller's bindings as they were")
    func errorLeavesBindings() throws {
        var bindings = PostgresBindings()
        bindings.append("kept")
        #expect(throws: CQL2Error.self) { try translator.translate(CQL2.parse("name = 'x' AND nope = 1"), into: &bindings) }
        #expect(bindings.count == 1)
    }

    @Test("an IN list of literals is one array parameter")
    func inListIsOneParameter() throws {
        let query = try sql("name IN (" + (0..<1_000).map { "'n\($0)'" }.joined(separator: ",") + ")")
        #expect(query.sql == "(((name) = ANY($1)))")
        #expect(query.binds.count == 1)
        #expect(try sql("count NOT IN (1, 2, 3)").sql == "((NOT ((count) = ANY($1))))")
        #expect(try sql("name IN ('a', kind)").sql == "(((name) IN ($1, (kind))))")
    }

    @Test("geometry literals go from the filter CRS to the storage SRID")
    func geometryTransform() throws {
        let query = try sql("S_INTERSECTS(geometry, POINT(114.3 30.6))")
        #expect(query.sql == "(ST_Intersects((geom), ST_Transform(ST_GeomFromText($1, $2), $3)))")
        let storage = CQL2Translator(queryables: testQueryables, filterCRS: FilterCRS(srid: 4490, swapsAxes: false, isGeographic: true))
        #expect(
            try storage.fragment(CQL2.parse("S_INTERSECTS(geometry, BBOX(1, 2, 3, 4))")).sql
                == "(ST_Intersects((geom), ST_MakeEnvelope($1, $2, $3, $4, $5)))")
    }

    @Test("NOT turns a spatial or temporal NULL into false before negating")
    func polarity() throws {
        #expect(try sql("S_INTERSECTS(area, BBOX(0,0,1,1))").sql.hasPrefix("(ST_Intersects("))
        #expect(try sql("NOT S_INTERSECTS(area, BBOX(0,0,1,1))").sql.hasPrefix("((NOT coalesce(ST_Intersects("))
        #expect(try sql("NOT NOT T_AFTER(observed_at, DATE('2020-01-01'))").sql == "((NOT (NOT ((observed_at) > $1::timestamptz))))")
        #expect(try sql("NOT T_AFTER(observed_at, DATE('2020-01-01'))").sql == "((NOT coalesce(((observed_at) > $1::timestamptz), false)))")
    }

    @Test("temporal operands: instants, dates, open ends, two-column and range intervals")
    func temporalShapes() throws {
        #expect(
            try sql("T_INTERSECTS(observed_at, INTERVAL('2020-01-01', '..'))").sql
                == "(((observed_at) <= 'infinity'::timestamptz AND (observed_at) >= $1::timestamptz))")
        #expect(
            try sql("T_DURING(valid, INTERVAL('..', TIMESTAMP('2020-01-01T00:00:00Z')))").sql
                == "((coalesce((valid_from), '-infinity'::timestamptz) > '-infinity'::timestamptz AND coalesce((valid_to), 'infinity'::timestamptz) < $1::timestamptz))"
        )
        #expect(try sql("T_BEFORE(day, observed_at)").sql == "((((day)::timestamp AT TIME ZONE 'UTC') < (observed_at)))")
        #expect(try sql("T_MEETS(period, valid)").sql.contains("upper_inf(period)"))
        #expect(try sql("day = DATE('2020-01-01')").sql == "(((day) = $1::date))")
        #expect(try sql("day < observed_at").sql == "((((day)::timestamp AT TIME ZONE 'UTC') < (observed_at)))")
    }

    @Test("integers compare with integer parameters; arithmetic is float8")
    func numbers() throws {
        var bindings = PostgresBindings()
        let text = try translator.translate(CQL2.parse("count = 3"), into: &bindings)
        #expect(text == "(((count) = $1))")
        #expect(
            bindings
                == {
                    var b = PostgresBindings(); b.append(Int64(3)); return b
                }())
        #expect(try sql("count / 2 > pm25").sql == "(((((count))::float8 / NULLIF($1, 0)) > (pm25)))")
    }

    struct Refused: Sendable, CustomTestStringConvertible {
        let filter: String
        let kind: CQL2Error.Kind
        let mentions: String
        var language = CQL2.Language.text
        var testDescription: String { filter }
    }

    static let refused: [Refused] = [
        .init(filter: "nope = 1", kind: .unknownProperty, mentions: "the queryables are name, kind, pm25"),
        .init(filter: "name = 1", kind: .typeMismatch, mentions: "quote the value"),
        .init(filter: "pm25 = '1'", kind: .typeMismatch, mentions: "without quotes"),
        .init(filter: "observed_at > '2020-01-01'", kind: .typeMismatch, mentions: "TIMESTAMP('YYYY-MM-DDTHH:MM:SSZ')"),
        .init(filter: "pm25 LIKE '1%'", kind: .typeMismatch, mentions: "LIKE needs a string value; pm25 is a number"),
        .init(filter: "name LIKE 'a\\'", kind: .syntax, mentions: "not closed"),
        .init(
            filter: #"{"op":"like","args":[{"property":"name"},"a\\\\\\"]}"#, kind: .invalidValue, mentions: "ends with the escape character",
            language: .json),
        .init(filter: "S_INTERSECTS(name, POINT(1 2))", kind: .typeMismatch, mentions: "needs geometries; name is a string"),
        .init(filter: "geometry = POINT(1 2)", kind: .typeMismatch, mentions: "S_EQUALS"),
        .init(filter: "valid = DATE('2020-01-01')", kind: .typeMismatch, mentions: "T_INTERSECTS"),
        .init(filter: "T_AFTER(pm25, DATE('2020-01-01'))", kind: .typeMismatch, mentions: "instants or intervals; pm25 is a number"),
        .init(filter: "T_AFTER(observed_at, INTERVAL('2021-01-01', '2020-01-01'))", kind: .invalidValue, mentions: "ends before it starts"),
        .init(filter: "T_AFTER(observed_at, INTERVAL(name, '..'))", kind: .typeMismatch, mentions: "must be an instant; name is a string"),
        .init(filter: "pm25", kind: .typeMismatch, mentions: "not a condition"),
        .init(filter: "'a'", kind: .typeMismatch, mentions: "not a condition"),
        .init(filter: "name + 1 > 2", kind: .typeMismatch, mentions: "arithmetic (+) needs numbers; name is a string"),
        .init(filter: "CASEI(pm25) = 'a'", kind: .typeMismatch, mentions: "CASEI needs a string"),
        .init(filter: "ACCENTI(name) = 'a'", kind: .unsupported, mentions: "ACCENTI"),
        .init(filter: "S_INTERSECTS(geometry, POINT(200 10))", kind: .invalidValue, mentions: "outside ±180°"),
        .init(filter: "S_INTERSECTS(geometry, BBOX(10, 5, 0, 6))", kind: .invalidValue, mentions: "antimeridian"),
        .init(filter: "S_INTERSECTS(geometry, BBOX(0, 6, 1, 5))", kind: .invalidValue, mentions: "south"),
        .init(filter: "name BETWEEN 1 AND 2", kind: .typeMismatch, mentions: "cannot compare name (a string) with 1"),
        .init(filter: "active = 1", kind: .typeMismatch, mentions: "a boolean"),
        .init(filter: "active = 'true'", kind: .typeMismatch, mentions: "write TRUE or FALSE without quotes"),
    ]

    @Test("type errors and unknown properties are refused", arguments: refused)
    func refuses(_ case: Refused) {
        do {
            let query = try sql(`case`.filter, language: `case`.language)
            Issue.record("translated to \(query.sql)")
        } catch {
            #expect(error.kind == `case`.kind, "\(error.message)")
            #expect(error.message.contains(`case`.mentions), "\(error.message)")
        }
    }

    @Test("ACCENTI uses the configured function")
    func accenti() throws {
        let translator = CQL2Translator(queryables: testQueryables, accentInsensitiveFunction: "unaccent")
        #expect(try translator.fragment(CQL2.parse("ACCENTI(name) = ACCENTI('é')")).sql == "((unaccent((name)) = unaccent($1)))")
    }

    @Test("filter-crs: CRS84 and EPSG URIs, authority axis order")
    func filterCRS() throws {
        #expect(try FilterCRS(parsing: "http://www.opengis.net/def/crs/OGC/1.3/CRS84") == .crs84)
        let wgs84 = try FilterCRS(parsing: "http://www.opengis.net/def/crs/EPSG/0/4326")
        #expect(wgs84.srid == 4326 && wgs84.swapsAxes && wgs84.isGeographic)
        #expect(try FilterCRS(parsing: "EPSG:4490", axisOrder: .longitudeFirst).swapsAxes == false)
        let gaussKruger = try FilterCRS(parsing: "urn:ogc:def:crs:EPSG::4547")
        #expect(gaussKruger.srid == 4547 && gaussKruger.swapsAxes && !gaussKruger.isGeographic)
        #expect(try FilterCRS(parsing: "EPSG:3857").swapsAxes == false)
        #expect(throws: CQL2Error.self) { try FilterCRS(parsing: "EPSG:banana") }
        // Latitude first: POINT(30.6 114.3) is longitude 114.3.
        let translator = CQL2Translator(queryables: testQueryables, filterCRS: wgs84)
        #expect(throws: Never.self) { try translator.fragment(CQL2.parse("S_INTERSECTS(geometry, POINT(30.6 114.3))")) }
        #expect(throws: CQL2Error.self) { try translator.fragment(CQL2.parse("S_INTERSECTS(geometry, POINT(114.3 30.6))")) }
    }
}

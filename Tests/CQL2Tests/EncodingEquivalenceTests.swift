import CQL2
import Testing

/// The same filter in cql2-text and cql2-json gives the same syntax tree.
@Suite("cql2-text and cql2-json agree")
struct EncodingEquivalenceTests {
    static let pairs: [(text: String, json: String)] = [
        ("name = 'Wuhan'", #"{"op":"=","args":[{"property":"name"},"Wuhan"]}"#),
        ("pm25 <> 42", #"{"op":"<>","args":[{"property":"pm25"},42]}"#),
        ("pm25 < -3.5", #"{"op":"<","args":[{"property":"pm25"},-3.5]}"#),
        ("pm25 <= 1e3", #"{"op":"<=","args":[{"property":"pm25"},1000]}"#),
        ("pm25 > .5", #"{"op":">","args":[{"property":"pm25"},0.5]}"#),
        (
            "pm25 >= 10 AND pm25 < 20",
            #"{"op":"and","args":[{"op":">=","args":[{"property":"pm25"},10]},{"op":"<","args":[{"property":"pm25"},20]}]}"#
        ),
        (
            "a = 1 OR b = 2 OR c = 3",
            #"{"op":"or","args":[{"op":"=","args":[{"property":"a"},1]},{"op":"=","args":[{"property":"b"},2]},{"op":"=","args":[{"property":"c"},3]}]}"#
        ),
        ("NOT flag", #"{"op":"not","args":[{"property":"flag"}]}"#),
        ("flag = TRUE", #"{"op":"=","args":[{"property":"flag"},true]}"#),
        ("name LIKE 'Wu%'", #"{"op":"like","args":[{"property":"name"},"Wu%"]}"#),
        ("name NOT LIKE 'a\\%b_'", #"{"op":"not","args":[{"op":"like","args":[{"property":"name"},"a\\%b_"]}]}"#),
        ("CASEI(name) LIKE CASEI('wu%')", #"{"op":"like","args":[{"op":"casei","args":[{"property":"name"}]},{"op":"casei","args":["wu%"]}]}"#),
        ("ACCENTI(name) = ACCENTI('é')", #"{"op":"=","args":[{"op":"accenti","args":[{"property":"name"}]},{"op":"accenti","args":["é"]}]}"#),
        ("pm25 BETWEEN 10 AND 20", #"{"op":"between","args":[{"property":"pm25"},10,20]}"#),
        ("pm25 NOT BETWEEN 10 AND 20", #"{"op":"not","args":[{"op":"between","args":[{"property":"pm25"},10,20]}]}"#),
        ("name IN ('a', 'b', 'c')", #"{"op":"in","args":[{"property":"name"},["a","b","c"]]}"#),
        ("name NOT IN ('a')", #"{"op":"not","args":[{"op":"in","args":[{"property":"name"},["a"]]}]}"#),
        ("name IS NULL", #"{"op":"isNull","args":[{"property":"name"}]}"#),
        ("name IS NOT NULL", #"{"op":"not","args":[{"op":"isNull","args":[{"property":"name"}]}]}"#),
        ("day = DATE('2026-11-25')", #"{"op":"=","args":[{"property":"day"},{"date":"2026-11-25"}]}"#),
        (
            "observed_at > TIMESTAMP('2026-11-25T06:00:00Z')",
            #"{"op":">","args":[{"property":"observed_at"},{"timestamp":"2026-11-25T06:00:00Z"}]}"#
        ),
        (
            "T_INTERSECTS(observed_at, INTERVAL('2026-01-01', '..'))",
            #"{"op":"t_intersects","args":[{"property":"observed_at"},{"interval":["2026-01-01",".."]}]}"#
        ),
        (
            "T_DURING(INTERVAL(starts_at, ends_at), INTERVAL('..', '2026-11-25T06:00:00.5Z'))",
            #"{"op":"t_during","args":[{"interval":[{"property":"starts_at"},{"property":"ends_at"}]},{"interval":["..","2026-11-25T06:00:00.500Z"]}]}"#
        ),
        (
            "S_INTERSECTS(geometry, POINT(114.3 30.6))",
            #"{"op":"s_intersects","args":[{"property":"geometry"},{"type":"Point","coordinates":[114.3,30.6]}]}"#
        ),
        (
            "S_WITHIN(geometry, POLYGON((114 30, 115 30, 115 31, 114 31, 114 30)))",
            #"{"op":"s_within","args":[{"property":"geometry"},{"type":"Polygon","coordinates":[[[114,30],[115,30],[115,31],[114,31],[114,30]]]}]}"#
        ),
        (
            "S_INTERSECTS(geometry, BBOX(114, 30, 115, 31))",
            #"{"op":"s_intersects","args":[{"property":"geometry"},{"bbox":[114,30,115,31]}]}"#
        ),
        (
            "S_CROSSES(geometry, LINESTRING(114 30, 115 31))",
            #"{"op":"s_crosses","args":[{"property":"geometry"},{"type":"LineString","coordinates":[[114,30],[115,31]]}]}"#
        ),
        (
            "S_DISJOINT(geometry, MULTIPOINT((114 30), (115 31)))",
            #"{"op":"s_disjoint","args":[{"property":"geometry"},{"type":"MultiPoint","coordinates":[[114,30],[115,31]]}]}"#
        ),
        (
            "S_TOUCHES(geometry, MULTILINESTRING((1 2, 3 4), (5 6, 7 8)))",
            #"{"op":"s_touches","args":[{"property":"geometry"},{"type":"MultiLineString","coordinates":[[[1,2],[3,4]],[[5,6],[7,8]]]}]}"#
        ),
        (
            "S_OVERLAPS(geometry, MULTIPOLYGON(((0 0, 1 0, 1 1, 0 0))))",
            #"{"op":"s_overlaps","args":[{"property":"geometry"},{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]]]}]}"#
        ),
        (
            "S_CONTAINS(geometry, GEOMETRYCOLLECTION(POINT(1 2), LINESTRING(1 2, 3 4)))",
            #"{"op":"s_contains","args":[{"property":"geometry"},{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1,2]},{"type":"LineString","coordinates":[[1,2],[3,4]]}]}]}"#
        ),
        (
            "S_EQUALS(geometry, POINT Z(1 2 3))",
            #"{"op":"s_equals","args":[{"property":"geometry"},{"type":"Point","coordinates":[1,2,3]}]}"#
        ),
        (
            "S_DWITHIN(geometry, POINT(114.3 30.6), 5, kilometers)",
            #"{"op":"s_dwithin","args":[{"property":"geometry"},{"type":"Point","coordinates":[114.3,30.6]},5,"kilometers"]}"#
        ),
        (
            "S_DWITHIN(geometry, POINT(114.3 30.6), 500)",
            #"{"op":"s_dwithin","args":[{"property":"geometry"},{"type":"Point","coordinates":[114.3,30.6]},500]}"#
        ),
        (
            "pm25 * 2 + 1 > pm10 / 3",
            #"{"op":">","args":[{"op":"+","args":[{"op":"*","args":[{"property":"pm25"},2]},1]},{"op":"/","args":[{"property":"pm10"},3]}]}"#
        ),
        (
            "a % 2 = 0 AND b div 3 = 1",
            #"{"op":"and","args":[{"op":"=","args":[{"op":"%","args":[{"property":"a"},2]},0]},{"op":"=","args":[{"op":"div","args":[{"property":"b"},3]},1]}]}"#
        ),
        ("a ^ 2 > 10", #"{"op":">","args":[{"op":"^","args":[{"property":"a"},2]},10]}"#),
        ("-a < 3", #"{"op":"<","args":[{"op":"*","args":[-1,{"property":"a"}]},3]}"#),
        ("\"my name\" = 'x'", #"{"op":"=","args":[{"property":"my name"},"x"]}"#),
        ("eo:cloud_cover < 10", #"{"op":"<","args":[{"property":"eo:cloud_cover"},10]}"#),
        ("站点 = '武汉'", #"{"op":"=","args":[{"property":"站点"},"武汉"]}"#),
        ("name = 'it''s'", #"{"op":"=","args":[{"property":"name"},"it's"]}"#),
        ("TRUE", "true"),
        ("T_AFTER(observed_at, DATE('2026-01-01'))", #"{"op":"t_after","args":[{"property":"observed_at"},{"date":"2026-01-01"}]}"#),
        (
            "T_METBY(valid, INTERVAL('2020-01-01','2021-01-01'))",
            #"{"op":"t_metBy","args":[{"property":"valid"},{"interval":["2020-01-01","2021-01-01"]}]}"#
        ),
    ]

    @Test("each pair parses to the same tree", arguments: pairs)
    func samePair(text: String, json: String) throws {
        let fromText = try CQL2.parse(text, language: .text)
        let fromJSON = try CQL2.parse(json, language: .json)
        #expect(fromText == fromJSON, "text: \(fromText)\njson: \(fromJSON)")
    }

    @Test("printing a tree as cql2-text and parsing it gives the tree back", arguments: pairs)
    func roundTrip(text: String, json: String) throws {
        let expression = try CQL2.parse(text)
        #expect(try CQL2.parse(expression.description) == expression, "\(expression)")
    }

    @Test("keywords are case-insensitive")
    func keywordCase() throws {
        let upper = try CQL2.parse("NOT (a = 1 AND b LIKE 'x') OR c IS NOT NULL AND S_INTERSECTS(g, POINT(1 2))")
        let lower = try CQL2.parse("not (a = 1 and b like 'x') or c is not null and s_intersects(g, point(1 2))")
        #expect(upper == lower)
    }
}

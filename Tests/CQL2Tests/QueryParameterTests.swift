import CQL2
import Foundation
import Testing

@Suite("sortby, properties and the queryables document")
struct QueryParameterTests {
    @Test("sortby reads +, -, a space for an unencoded +, and :A/:D")
    func sortBy() throws {
        let sort = try SortBy(parsing: "+name,-pm25, count,observed_at:D", queryables: testQueryables)
        #expect(sort.keys.map(\.property) == ["name", "pm25", "count", "observed_at"])
        #expect(sort.keys.map(\.descending) == [false, true, false, true])
        #expect(sort.sql == "(name) ASC, (pm25) DESC, (count) ASC, (observed_at) DESC")
        #expect(try SortBy(parsing: "-valid", queryables: testQueryables).sql == "(valid_from) DESC, (valid_to) DESC")
    }

    @Test("sortby refuses unknown, repeated, empty and geometry keys")
    func sortByRefuses() {
        for (text, mentions) in [("nope", "the queryables are"), ("name,-name", "twice"), ("name,,pm25", "empty"), ("geometry", "geometry")] {
            do {
                _ = try SortBy(parsing: text, queryables: testQueryables)
                Issue.record("accepted \(text)")
            } catch {
                #expect(error.message.contains(mentions), "\(error.message)")
            }
        }
    }

    @Test("properties keeps the order given and refuses unknown names")
    func properties() throws {
        let available = ["name", "pm25", "observed_at"]
        #expect(try PropertySelection(parsing: "pm25, name,pm25", available: available).names == ["pm25", "name"])
        #expect(try PropertySelection(parsing: "", available: available).names.isEmpty)
        #expect(throws: CQL2Error.self) { try PropertySelection(parsing: "pm25,wind", available: available) }
        #expect(throws: CQL2Error.self) { try PropertySelection(parsing: "pm25,", available: available) }
    }

    @Test("the queryables document is a JSON Schema with one property per queryable")
    func queryablesSchema() throws {
        let schema = testQueryables.jsonSchema(id: "http://x/collections/c/queryables", title: "c")
        let data = try JSONSerialization.data(withJSONObject: schema)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
        #expect(object["$id"] as? String == "http://x/collections/c/queryables")
        #expect(object["type"] as? String == "object")
        let properties = try #require(object["properties"] as? [String: [String: Any]])
        #expect(Set(properties.keys) == Set(testQueryables.names))
        #expect(properties["name"]?["type"] as? String == "string")
        #expect(properties["name"]?["title"] as? String == "Name")
        #expect(properties["pm25"]?["type"] as? String == "number")
        #expect(properties["count"]?["type"] as? String == "integer")
        #expect(properties["active"]?["type"] as? String == "boolean")
        #expect(properties["day"]?["format"] as? String == "date")
        #expect(properties["observed_at"]?["format"] as? String == "date-time")
        #expect(properties["geometry"]?["format"] as? String == "geometry-point")
        #expect(properties["area"]?["format"] as? String == "geometry-polygon")
    }

    @Test("conformance classes")
    func conformance() {
        #expect(CQL2Conformance.all(accentInsensitive: false).contains("http://www.opengis.net/spec/cql2/1.0/conf/cql2-text"))
        #expect(!CQL2Conformance.all(accentInsensitive: false).contains(CQL2Conformance.accentInsensitive))
        #expect(CQL2Conformance.all(accentInsensitive: true).contains(CQL2Conformance.accentInsensitive))
    }
}

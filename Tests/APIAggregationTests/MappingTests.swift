import APIAggregation
import Foundation
import JSON
import Testing

/// API responses parsed whole and mapped to readings, items and entities; broken responses refused
/// whole, bad records refused one by one with their reason.
@Suite("API aggregation mapping")
struct MappingTests {
    static func plan(_ json: String) throws -> APIPollPlan {
        try APIPollPlan(JSONDecoder().decode(APIPollDefinition.self, from: Data(json.utf8)))
    }

    static let readings = """
        {"url": "http://127.0.0.1:1/aqi", "format": "json", "records": "data.stations", "produces": "readings",
         "mapping": {"sensor_id": "code", "time": "updated", "lon": "loc.lng", "lat": "loc.lat",
                     "values": {"pm25": "iaqi.pm25", "aqi": "aqi"}}}
        """

    @Test("readings: paths into nested records, numbers given as text, epoch and Chinese times, bad records refused with a reason")
    func readingsMapping() throws {
        let body = """
            {"data": {"stations": [
              {"code": "wh-01", "updated": "2026-11-20T09:00:00+08:00", "loc": {"lng": 114.3, "lat": 30.6}, "iaqi": {"pm25": 35}, "aqi": 50},
              {"code": 2, "updated": 1795140000000, "loc": {"lng": "114.4", "lat": "30.5"}, "iaqi": {"pm25": "41"}},
              {"code": "wh-03", "updated": "2026年11月20日 09:00", "loc": {"lng": 114.2, "lat": 30.4}, "aqi": 20},
              {"code": "wh-04", "updated": "yesterday", "loc": {"lng": 114.2, "lat": 30.4}, "aqi": 20},
              {"code": "wh-05", "updated": "2026-11-20T09:00:00+08:00", "loc": {"lng": "east", "lat": 30.4}, "aqi": 20},
              {"code": "wh-06", "updated": "2026-11-20T09:00:00+08:00", "loc": {"lng": 114.2, "lat": 30.4}}
            ]}}
            """
        let mapped = try Self.plan(Self.readings).map(Array(body.utf8), taskID: "aqi", polledAt: Date())
        #expect(mapped.total == 6)
        #expect(mapped.records.count == 3)
        #expect(mapped.records.allSatisfy { $0.record.topic == "raw.sensor.readings" })
        let first = mapped.records[0].preview
        #expect(first["sensor_id"]?.string == "wh-01")
        #expect(first["ts"]?.string == "2026-11-20T01:00:00.000Z")
        #expect(first["values"]?["pm25"]?.number == 35 && first["values"]?["aqi"]?.number == 50)
        #expect(mapped.records[1].preview["sensor_id"]?.string == "2")
        #expect(mapped.records[1].preview["lon"]?.number == 114.4)
        #expect(mapped.records[2].preview["ts"]?.string == "2026-11-20T01:00:00.000Z")
        #expect(mapped.refused.map(\.index) == [3, 4, 5])
        #expect(mapped.refused[0].reason.contains("not a time"))
        #expect(mapped.refused[1].reason.contains("not a number"))
        #expect(mapped.refused[2].reason.contains("none of the mapped values"))
    }

    @Test(
        "a broken response is one error and yields no record",
        arguments: [
            ("{\"data\": {\"stations\": [", "not valid JSON"),
            ("{\"data\": {}}", "nothing at data.stations"),
            ("{\"data\": {\"stations\": {\"a\": 1}}}", "expected an array"),
        ])
    func brokenResponse(body: String, phrase: String) throws {
        do {
            _ = try Self.plan(Self.readings).map(Array(body.utf8), taskID: "aqi", polledAt: Date())
            Issue.record("\(body) was accepted")
        } catch {
            #expect("\(error)".contains(phrase), "\(error)")
        }
    }

    @Test("items from CSV, entities from GeoJSON")
    func itemsAndEntities() throws {
        let items = try Self.plan(
            """
            {"url": "http://127.0.0.1:1/notices.csv", "format": "csv", "produces": "items", "labels": {"theme": "notices"},
             "mapping": {"id": "编号", "address": "地址", "title": "标题", "time": "日期", "attributes": {"kind": "类别"}}}
            """)
        let csv = "编号,标题,地址,日期,类别\r\nn1,停水通知,武汉市洪山区珞喻路1037号,2026-11-20,水务\r\nn2,\"无地址, 但有逗号\",,2026-11-21,其他\r\n"
        let mapped = try items.map(Array(csv.utf8), taskID: "notices", polledAt: Date())
        #expect(mapped.records.count == 1 && mapped.refused.count == 1)
        let item = mapped.records[0].preview
        #expect(item["address"]?.string == "武汉市洪山区珞喻路1037号")
        #expect(item["task"]?.string == "notices" && item["source_url"]?.string == "http://127.0.0.1:1/notices.csv")
        #expect(item["attributes"]?["kind"]?.string == "水务")
        #expect(item["labels"]?["theme"]?.string == "notices")
        #expect(mapped.records[0].record.topic == "raw.items")
        do {
            _ = try items.map(Array("编号,标题\r\nn1\r\n".utf8), taskID: "notices", polledAt: Date())
            Issue.record("a ragged CSV was accepted")
        } catch {
            #expect(error.description.contains("CSV row 1"))
        }

        let entities = try Self.plan(
            """
            {"url": "http://127.0.0.1:1/parks.geojson", "format": "geojson", "produces": "entities", "collection": "parks",
             "mapping": {"id": "properties.id", "attributes": {"name": "properties.name"}}}
            """)
        let geojson = """
            {"type": "FeatureCollection", "features": [
              {"type": "Feature", "geometry": {"type": "Point", "coordinates": [114.3, 30.5]}, "properties": {"id": 7, "name": "沙湖公园"}},
              {"type": "Feature", "geometry": null, "properties": {"id": 8, "name": "无位置"}}]}
            """
        let parks = try entities.map(Array(geojson.utf8), taskID: "parks", polledAt: Date())
        #expect(parks.records.count == 1 && parks.refused.count == 1)
        #expect(parks.records[0].record.topic == "raw.entities")
        #expect(parks.records[0].preview["data"]?["entity_id"]?.string == "7")
        #expect(parks.records[0].preview["data"]?["properties"]?["name"]?.string == "沙湖公园")
    }

    @Test(
        "definitions that cannot work are refused before anything is fetched",
        arguments: [
            (#"{"url": "ftp://x/y", "format": "json", "produces": "items", "mapping": {"id": "a", "text": "b"}}"#, "url"),
            (#"{"url": "http://x/y", "format": "json", "produces": "items", "mapping": {"id": "a"}}"#, "address or a text"),
            (
                #"{"url": "http://x/y", "format": "json", "produces": "readings", "mapping": {"sensor_id": "a", "time": "t", "lon": "x", "lat": "y"}}"#,
                "values"
            ),
            (#"{"url": "http://x/y", "format": "json", "produces": "entities", "mapping": {"id": "a", "lon": "x", "lat": "y"}}"#, "collection"),
            (#"{"url": "http://x/y", "format": "json", "produces": "items", "mapping": {"id": "a[", "text": "b"}}"#, "mapping.id"),
        ])
    func refusedDefinitions(json: String, phrase: String) {
        do {
            _ = try Self.plan(json)
            Issue.record("\(json) was accepted")
        } catch {
            #expect("\(error)".contains(phrase), "\(error)")
        }
    }
}

import CQL2
import Events
import Foundation
import JSON
import Kafka
import Testing

@testable import GeoFormats
@testable import Processors

/// Every parser that sees untrusted bytes, fuzzed for a few seconds each in the normal test run:
/// no crash, no input slower than a second, and failures only as the parser's own typed error
/// (typed throws make most of that a compile-time fact; the rest is checked here).
@Suite("Parser fuzzing", .serialized)
struct ParserFuzzTests {
    @Test("JSON")
    func json() {
        let fuzzer = Fuzzer(
            target: "json",
            seeds: [
                #"{"ts":"2026-11-25T14:00:00+08:00","lon":114.305,"lat":30.593,"values":{"pm25":42,"no2":18}}"#,
                #"[1,-2.5e10,true,false,null,"\u00e9\ud83d\ude00\n",{"a":[{}]}]"#, #""武汉""#, "0", "-0.0e-0",
                #"{"a":1,"b":{"c":[1,2,3]},"d":"x\"y\\z"}"#,
            ],
            dictionary: ["{", "}", "[", "]", ":", ",", "\"", "\\u", "\\ud800", "true", "null", "1e999", "-", ".5", "\u{00e9}"])
        let count = fuzzer.run { bytes in
            do throws(JSONSyntaxError) {
                _ = try JSONParser.parse(bytes: bytes)
            } catch {
                #expect(error.offset >= 0 && error.offset <= bytes.count, "error offset \(error.offset) outside the input")
                #expect(!error.reason.isEmpty)
            }
        }
        #expect(count > 100)
    }

    @Test("CQL2 text")
    func cql2Text() {
        let count = Fuzzer(target: "cql2-text", seeds: CQL2Seeds.text, dictionary: CQL2Seeds.textTokens).run { bytes in
            do throws(CQL2Error) {
                _ = try CQL2.parse(String(decoding: bytes, as: UTF8.self), language: .text)
            } catch {
                #expect(!error.message.isEmpty)
            }
        }
        #expect(count > 100)
    }

    @Test("CQL2 JSON")
    func cql2JSON() {
        let count = Fuzzer(target: "cql2-json", seeds: CQL2Seeds.json, dictionary: CQL2Seeds.jsonTokens).run { bytes in
            do throws(CQL2Error) {
                _ = try CQL2.parse(String(decoding: bytes, as: UTF8.self), language: .json)
            } catch {
                #expect(!error.message.isEmpty)
            }
        }
        #expect(count > 100)
    }

    @Test("WKT geometry literals")
    func wkt() {
        let seeds = [
            "POINT(114.3 30.5)", "POINT Z(114.3 30.5 12)", "LINESTRING(114 30, 115 31, 116 30)",
            "POLYGON((114 30, 115 30, 115 31, 114 31, 114 30), (114.2 30.2, 114.4 30.2, 114.4 30.4, 114.2 30.2))",
            "MULTIPOINT((1 2), (3 4))", "MULTIPOLYGON(((0 0, 1 0, 1 1, 0 0)))", "GEOMETRYCOLLECTION(POINT(1 2), LINESTRING(0 0, 1 1))",
            "BBOX(114.2, 30.5, 114.4, 30.7)",
        ]
        let fuzzer = Fuzzer(
            target: "wkt", seeds: seeds,
            dictionary: ["(", ")", ",", " ", "POINT", "Z", "EMPTY", "POLYGON", "MULTI", "GEOMETRYCOLLECTION", "1e308", "-", "NaN", "inf"])
        let count = fuzzer.run { bytes in
            do throws(CQL2Error) {
                _ = try CQL2.parse("S_INTERSECTS(geometry, \(String(decoding: bytes, as: UTF8.self)))", language: .text)
            } catch {
                #expect(!error.message.isEmpty)
            }
        }
        #expect(count > 100)
    }

    @Test("MQTT reading payloads (the spatialiser)")
    func readings() {
        let spatialiser = ReadingSpatialiser()
        let metadata = EventMetadata(
            id: EventIDGenerator().next(at: Date(timeIntervalSince1970: 1_795_586_401)), type: "sensor.reading", subject: "sensor:fuzz",
            source: "mqtt://fuzz/city/fuzz/air", occurredAt: Date(timeIntervalSince1970: 1_795_586_401),
            recordedAt: Date(timeIntervalSince1970: 1_795_586_401), schema: "shikong/sensor.reading.raw/1", contentType: "application/json",
            extensions: ["crs": "EPSG:4326"])
        let seeds = [
            #"{"ts":"2026-11-25T14:00:00+08:00","lon":114.305,"lat":30.593,"values":{"pm25":42,"no2":18}}"#,
            #"{"sensor_id":"s1","ts":1795586401000,"lon":114.3,"lat":30.5,"pm25":1,"crs":"EPSG:4547"}"#,
            #"{"ts":"2026-11-25T06:00:00Z","lon":500000,"lat":3380000,"crs":"EPSG:4547","values":{"aqi":3}}"#,
            #"{"ts":"2026-11-25T06:00:00Z","lon":114.3,"lat":30.5,"crs":"GCJ-02","values":{"aqi":3}}"#,
        ]
        let fuzzer = Fuzzer(
            target: "reading", seeds: seeds,
            dictionary: [#""ts":"#, #""lon":"#, #""values":{"#, "1e400", "-1e300", #""EPSG:3857""#, #""BD-09""#, "9999-12-31T23:59:60Z", "}", "{"])
        let count = fuzzer.run { bytes in
            let message = KafkaMessage(
                topic: Topics.rawSensorReadings, partition: 0, offset: 1, key: Data("sensor:fuzz".utf8), value: Data(bytes),
                headers: metadata.kafkaHeaders, timestampMilliseconds: 1_795_586_401_000)
            if case .failure(let failure) = spatialiser.spatialise(message) {
                #expect(!failure.reason.isEmpty)
            }
        }
        #expect(count > 100)
    }

    @Test("CSV files and their attribute text (GDAL, GB18030 detection)")
    func csv() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("shikong-fuzz-csv-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let gbk = Data([0xCE, 0xE4, 0xBA, 0xBA])  // 武汉 in GBK
        let seeds = [
            "id,名称,经度,纬度,地址\n1,好点,114.30,30.60,\n2,坏,abc,30.6,\n3,只有地址,,,湖北省武汉市江汉区江汉路1号\n",
            "id,wkt\n1,\"POINT (114.3 30.5)\"\n2,\"POLYGON ((114 30,115 30,115 31,114 30))\"\n3,POINT(\n",
            "lon,lat,when,flag\n114.3,30.5,2026-11-25T14:00:00+08:00,true\n114.4,30.6,2026-11-25,false\n",
            String(decoding: Data("id,name,lon,lat\n1,".utf8) + gbk + Data(",114.3,30.5\n".utf8), as: UTF8.self),
        ]
        var fuzzer = Fuzzer(
            target: "csv", seeds: seeds, dictionary: [",", "\n", "\"", "\r\n", "POINT(", "经度", "wkt", "lat", "\u{FEFF}", ";", "\t"])
        fuzzer.seeds.append(Array("id,name,lon,lat\n1,".utf8) + Array(gbk) + Array(",114.3,30.5\n".utf8))
        fuzzer.maximumLength = 16 * 1_024
        // Each input is a file GDAL opens: fewer of them.
        fuzzer.minimumInputs = 50
        var index = 0
        let count = fuzzer.run { bytes in
            index += 1
            let file = directory.appendingPathComponent("input-\(index % 8).csv")
            try? Data(bytes).write(to: file)
            do throws(GeoFormatsError) {
                let reader = try FeatureReader(path: file.path)
                defer { reader.close() }
                let cursor = try reader.cursor()
                while true {
                    let batch = try cursor.next(batch: 256)
                    if batch.isEmpty { break }
                    for result in batch { if let failure = result.failure { #expect(!failure.reason.isEmpty) } }
                }
            } catch {
                #expect(!error.description.isEmpty)
            }
        }
        #expect(count > 20)
    }
}

/// Valid CQL2 filters to start from, and the grammar's tokens.
enum CQL2Seeds {
    static let text = [
        "pm25 > 75 AND S_INTERSECTS(geometry, BBOX(114.2, 30.5, 114.4, 30.7))",
        #"name LIKE 'Hankou\_%' AND T_INTERSECTS(observed_at, INTERVAL('2026-11-01', '..'))"#,
        "S_DWITHIN(geometry, POINT(114.305 30.593), 2, kilometers) AND CASEI(kind) IN ('school', 'park')",
        "NOT (a BETWEEN 1 AND 2) OR b IS NOT NULL", "(x + 2) * 3 ^ 2 div 4 % 5 <> y", "T_AFTER(t, TIMESTAMP('2026-11-25T06:00:00Z'))",
        "ACCENTI(name) = ACCENTI('é') AND flag = TRUE AND d = DATE('2026-11-25')",
    ]
    static let textTokens = [
        "(", ")", "'", "''", " AND ", " OR ", "NOT ", " LIKE ", " BETWEEN ", " IN (", "IS NULL", "S_INTERSECTS(", "POINT(", "BBOX(",
        "INTERVAL(", "TIMESTAMP(", "DATE(", "CASEI(", "\"", "1e999", "-", "..",
    ]
    static let json = [
        #"{"op":"and","args":[{"op":">","args":[{"property":"pm25"},75]},{"op":"s_intersects","args":[{"property":"geometry"},{"bbox":[114.2,30.5,114.4,30.7]}]}]}"#,
        #"{"op":"like","args":[{"property":"name"},"Hankou%"]}"#,
        #"{"op":"t_intersects","args":[{"property":"observed_at"},{"interval":["2026-11-01",".."]}]}"#,
        #"{"op":"in","args":[{"op":"casei","args":[{"property":"kind"}]},["school","park"]]}"#,
        #"{"op":"s_intersects","args":[{"property":"geometry"},{"type":"Polygon","coordinates":[[[114,30],[115,30],[115,31],[114,30]]]}]}"#,
        #"{"op":"not","args":[{"op":"isNull","args":[{"property":"x"}]}]}"#,
    ]
    static let jsonTokens = [
        "{", "}", "[", "]", ",", #""op":"#, #""args":"#, #""property":"#, #""and""#, #""or""#, #""not""#, #""=""#, #""timestamp":"#,
        #""date":"#, #""type":"Point""#, #""coordinates":"#, "1e999", "null",
    ]
}

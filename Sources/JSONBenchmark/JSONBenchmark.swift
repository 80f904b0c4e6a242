import Foundation
import JSON

/// Parse and write throughput of the platform's JSON parser on the documents of its hot paths (an
/// entity event, an archived record's headers, a sensor reading, a text with escapes and CJK),
/// beside Foundation's `JSONSerialization` on the same bytes as an outside reference.
///
///     swift build -c release --product json-bench && .build/release/json-bench [seconds per figure]
@main
struct JSONBenchmark {
    static let documents: [(name: String, text: String)] = [
        (
            "entity event",
            #"{"attributes":{"domain":"base","theme":"bench_points"},"data":{"collection":"bench_points","content_hash":"3b10bfdb7d8aa789e69b2cbc25c343c8","entity_id":"1","origin":{"file":"bench-points.gpkg","job":"01A24B3A-6F9F-70B1-94AB-612C538BCE12","row":1},"properties":{"id":1,"名称":"兴趣点1","类别":"商店","数值":79.16,"日期":"2024-04-19"},"valid_from":"2026-12-06T12:00:50.591Z"},"id":"01A24B3A-6F9F-7C84-BEA1-2FB54F9E607B","occurred_at":"2026-12-06T12:00:50.591Z","recorded_at":"2026-12-06T12:00:50.591Z","schema":"shikong/entity.upserted/1","source":"import://01a24b3a-6f9f-70b1-94ab-612c538bce12/points-300000-v0.gpkg#1","space":{"crs":"EPSG:4490","geometry":{"type":"Point","coordinates":[114.85810320106516,30.630278337518043]}},"subject":"entity:bench_points/1","type":"entity.upserted"}"#
        ),
        (
            "archived headers",
            #"[{"k": "ce_specversion", "v": "1.0"}, {"k": "ce_id", "v": "01a24b3a-6f9f-7c84-bea1-2fb54f9e607b"}, {"k": "ce_type", "v": "entity.upserted"}, {"k": "ce_subject", "v": "entity:bench_points/1"}, {"k": "ce_source", "v": "import://01a24b3a-6f9f-70b1-94ab-612c538bce12/points-300000-v0.gpkg#1"}, {"k": "ce_time", "v": "2026-12-06T12:00:50.591Z"}, {"k": "ce_recordedat", "v": "2026-12-06T12:00:50.591Z"}, {"k": "ce_dataschema", "v": "shikong/entity.upserted/1"}, {"k": "content-type", "v": "application/json"}, {"k": "ce_collection", "v": "bench_points"}]"#
        ),
        (
            "sensor reading",
            #"{"sensor_id":"wuhan-0042","observed_at":"2026-12-06T12:00:50.591Z","lon":114.305123,"lat":30.592876,"values":{"pm25":37.5,"pm10":61,"no2":22.25,"temperature":-3.5,"humidity":81}}"#
        ),
        (
            "escapes and CJK",
            #"{"title":"武汉市\"黄鹤楼\"景区\n客流\\统计","body":"今日客流 12,345 人次\t同比增长 3.2%\u00e9\ud83d\ude00","tags":["文旅","客流","黄鹤楼"],"ok":true,"none":null}"#
        ),
    ]

    static func main() {
        let seconds = CommandLine.arguments.dropFirst().first.flatMap(Double.init) ?? 1
        print("document            bytes   parse docs/s    MB/s  write docs/s  JSONSerialization docs/s  parse ÷ JSONSerialization")
        for (name, text) in documents {
            let bytes = Array(text.utf8)
            let data = Data(bytes)
            guard let value = try? JSONParser.parse(bytes: bytes) else { fatalError("\(name) does not parse") }
            let parse = rate(seconds) { _ = try? JSONParser.parse(bytes: bytes) }
            let write = rate(seconds) { _ = value.text }
            let reference = rate(seconds) { _ = try? JSONSerialization.jsonObject(with: data) }
            print(
                name.padding(toLength: 18, withPad: " ", startingAt: 0),
                String(
                    format: "%7d %14.0f %7.1f %13.0f %25.0f %25.2f", bytes.count, parse,
                    parse * Double(bytes.count) / 1e6, write, reference, parse / reference))
        }
    }

    /// Calls per second of `body`, run for about `seconds` after a short warm-up.
    static func rate(_ seconds: Double, _ body: () -> Void) -> Double {
        for _ in 0..<1_000 { body() }
        let clock = ContinuousClock()
        var calls = 0
        let start = clock.now
        var elapsed = Duration.zero
        while elapsed < .seconds(seconds) {
            for _ in 0..<500 { body() }
            calls += 500
            elapsed = clock.now - start
        }
        let components = elapsed.components
        return Double(calls) / (Double(components.seconds) + Double(components.attoseconds) / 1e18)
    }
}

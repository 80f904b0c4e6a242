import Events
import Foundation
import Kafka
import Testing

@testable import Processors

/// The aggregator's engine without Kafka: windows, statistics, watermarks, corrections, idle
/// partitions and restarts.
@Suite("Aggregation engine")
struct AggregationEngineTests {
    static let minute: Int64 = 60_000
    static let base: Int64 = 1_795_000_020_000 / minute * minute

    static func reading(_ index: Int, sensor: String = "s1", at time: Int64, pm25: Double, lon: Double = 114.3, lat: Double = 30.5)
        -> SpatialEventFields
    {
        SpatialEventFields(
            id: "e\(index)", type: "sensor.reading", subject: "sensor:\(sensor)", time: time, longitude: lon, latitude: lat, sensorID: sensor,
            theme: "air-quality", values: [("pm25", pm25), ("no2", pm25 / 2)])
    }

    static func engine(_ definition: AggregationDefinition) -> AggregationEngine {
        var engine = AggregationEngine()
        engine.define([definition.id: (definition, UUID(uuidString: "00000000-0000-7000-8000-000000000001")!)])
        engine.finishRebuild()
        return engine
    }

    static func definition(lateness: TimeSpan = .zero, horizon: TimeSpan = .minutes(5), idle: TimeSpan = .seconds(30)) -> AggregationDefinition {
        AggregationDefinition(
            id: "t", window: .init(size: .minutes(1)), groupBy: [.sensor], values: ["pm25"], allowedLateness: lateness, correctionHorizon: horizon,
            idleTimeout: idle)
    }

    @Test("a window key's text is AggregateWindow.keyText of its dictionary, for every combination of groupings")
    func windowKeyText() {
        for mask in 0..<32 {
            var key = WindowKey()
            if mask & 1 != 0 { key.sensor = "s-1" }
            if mask & 2 != 0 { key.theme = "air-quality" }
            if mask & 4 != 0 { key.grid = "114.30,30.50" }
            if mask & 8 != 0 { key.region = "420106" }
            if mask & 16 != 0 { key.property = "pm25" }
            #expect(key.text == AggregateWindow.keyText(key.dictionary))
            #expect(key.dictionary.count == mask.nonzeroBitCount)
        }
    }

    @Test("a tumbling window reports count, sum, avg, min, max, sample stddev and interpolated percentiles")
    func statistics() throws {
        var engine = Self.engine(Self.definition())
        let values = [12.5, 3, 47.25, 8, 19, 33.5, 21]
        for (index, value) in values.enumerated() {
            _ = engine.process(
                Self.reading(index, at: Self.base + Int64(index) * 1_000, pm25: value), topic: Topics.spatialEvents, partition: 0,
                offset: Int64(index), phase: .live, now: 0)
        }
        #expect(engine.advance(now: 0).isEmpty, "the watermark has not passed the window's end")
        _ = engine.process(
            Self.reading(99, at: Self.base + Self.minute, pm25: 1), topic: Topics.spatialEvents, partition: 0, offset: 99, phase: .live, now: 0)
        let emitted = engine.advance(now: 0)
        let window = try #require(emitted.first?.window)
        #expect(emitted.count == 1)
        #expect(window.version == 1 && window.count == values.count && window.key == ["sensor": "s1"])
        let stats = try #require(window.values["pm25"])
        let mean = values.reduce(0, +) / Double(values.count)
        let stddev = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count - 1)).squareRoot()
        let sorted = values.sorted()
        #expect(stats["count"] == 7 && stats["sum"] == values.reduce(0, +) && stats["min"] == 3 && stats["max"] == 47.25)
        #expect(abs(stats["avg"]! - mean) < 1e-12 && abs(stats["stddev"]! - stddev) < 1e-12)
        #expect(stats["p50"] == sorted[3])
        // 0.95 × 6 = 5.7: 70% of the way from the 6th to the 7th value.
        #expect(abs(stats["p95"]! - (sorted[5] + 0.7 * (sorted[6] - sorted[5]))) < 1e-12)
        #expect(window.values["no2"] == nil, "only the named values")
    }

    @Test("hopping windows: an event is in size / advance windows")
    func hopping() {
        let span = WindowSpan(.init(size: .minutes(3), advance: .minutes(1)))
        // 90 s past a minute: the windows of three minutes starting one minute before, at and after it.
        let starts = Array(span.starts(containing: Self.base + 90_000))
        #expect(starts == [Self.base - Self.minute, Self.base, Self.base + Self.minute])
        #expect(Array(span.starts(containing: Self.base)) == [Self.base - 2 * Self.minute, Self.base - Self.minute, Self.base])
        #expect(Array(WindowSpan(.init(size: .minutes(1))).starts(containing: Self.base)) == [Self.base])
        #expect(Array(WindowSpan(.init(size: .minutes(1))).starts(containing: -1)) == [-Self.minute])
    }

    @Test("a late event within the horizon re-emits the window as version 2; past the horizon it fails with a reason")
    func corrections() throws {
        var engine = Self.engine(Self.definition(horizon: .minutes(2)))
        _ = engine.process(
            Self.reading(1, at: Self.base + 5_000, pm25: 10), topic: Topics.spatialEvents, partition: 0, offset: 1, phase: .live, now: 0)
        _ = engine.process(
            Self.reading(2, at: Self.base + Self.minute + 1, pm25: 20), topic: Topics.spatialEvents, partition: 0, offset: 2, phase: .live, now: 0)
        #expect(engine.advance(now: 0).map(\.window.version) == [1])
        let failures = engine.process(
            Self.reading(3, at: Self.base + 7_000, pm25: 30), topic: Topics.spatialEvents, partition: 0, offset: 3, phase: .live, now: 0)
        #expect(failures.isEmpty)
        let corrected = try #require(engine.advance(now: 0).first?.window)
        #expect(corrected.version == 2 && corrected.count == 2 && corrected.lateEvents == 1 && corrected.values["pm25"]?["avg"] == 20)
        // The watermark moves 3 minutes on: the first window is past its horizon and forgotten.
        _ = engine.process(
            Self.reading(4, at: Self.base + 4 * Self.minute, pm25: 1), topic: Topics.spatialEvents, partition: 0, offset: 4, phase: .live, now: 0)
        _ = engine.advance(now: 0)
        let tooLate = engine.process(
            Self.reading(5, at: Self.base + 9_000, pm25: 40), topic: Topics.spatialEvents, partition: 0, offset: 5, phase: .live, now: 0)
        #expect(tooLate.count == 1)
        #expect(tooLate.first?.reason.contains("correction horizon (2m) has passed") == true, "\(tooLate)")
    }

    @Test("an idle partition stops holding windows back after idle_timeout")
    func idlePartition() {
        var engine = Self.engine(Self.definition(idle: .seconds(2)))
        _ = engine.process(
            Self.reading(1, at: Self.base + 1_000, pm25: 5), topic: Topics.spatialEvents, partition: 1, offset: 0, phase: .live, now: 0)
        _ = engine.process(
            Self.reading(2, at: Self.base + 2_000, pm25: 5), topic: Topics.spatialEvents, partition: 0, offset: 0, phase: .live, now: 0)
        _ = engine.process(
            Self.reading(3, at: Self.base + 3 * Self.minute, pm25: 5), topic: Topics.spatialEvents, partition: 0, offset: 1, phase: .live, now: 1_000)
        #expect(engine.advance(now: 1_000).isEmpty, "partition 1 still counts: its watermark is in the first window")
        #expect(engine.advance(now: 2_500).map(\.window.count) == [2], "after 2 s without events partition 1 is idle")
    }

    @Test("a partition the stage reads but no event has come from yet holds windows back until it is idle")
    func unheardPartition() {
        var engine = Self.engine(Self.definition(idle: .seconds(2)))
        let partitions = (0..<2).map { TopicPartition(topic: Topics.spatialEvents, partition: $0) }
        engine.expect(partitions + [TopicPartition(topic: "other.topic", partition: 0)], now: 0)
        _ = engine.process(
            Self.reading(1, at: Self.base + 1_000, pm25: 5), topic: Topics.spatialEvents, partition: 0, offset: 0, phase: .live, now: 500)
        _ = engine.process(
            Self.reading(2, at: Self.base + 3 * Self.minute, pm25: 5), topic: Topics.spatialEvents, partition: 0, offset: 1, phase: .live, now: 1_000)
        #expect(engine.advance(now: 1_000).isEmpty, "partition 1 may still hold events of the first window")
        // Its first event, behind partition 0's clock, still lands in the first window, on time.
        _ = engine.process(
            Self.reading(3, at: Self.base + 2_000, pm25: 7), topic: Topics.spatialEvents, partition: 1, offset: 0, phase: .live, now: 1_500)
        #expect(engine.advance(now: 1_500).isEmpty, "partition 1's clock is in the first window")
        _ = engine.process(
            Self.reading(4, at: Self.base + 3 * Self.minute + 1_000, pm25: 7), topic: Topics.spatialEvents, partition: 1, offset: 1, phase: .live,
            now: 1_600)
        let emitted = engine.advance(now: 1_600)
        #expect(emitted.map(\.window.count) == [2])
        #expect(emitted.first?.window.lateEvents == 0)
        // A partition never heard from stops holding after idle_timeout; the other topic never did.
        var quiet = Self.engine(Self.definition(idle: .seconds(2)))
        quiet.expect(partitions, now: 0)
        _ = quiet.process(
            Self.reading(1, at: Self.base + 1_000, pm25: 5), topic: Topics.spatialEvents, partition: 0, offset: 0, phase: .live, now: 0)
        _ = quiet.process(
            Self.reading(2, at: Self.base + 3 * Self.minute, pm25: 5), topic: Topics.spatialEvents, partition: 0, offset: 1, phase: .live, now: 1_000)
        #expect(quiet.advance(now: 1_999).isEmpty)
        #expect(quiet.advance(now: 2_000).map(\.window.count) == [1])
        #expect(quiet.snapshots.first?.partitions.count == 1, "a checkpoint keeps only partitions with a clock")
    }

    @Test("after a restart, windows rebuilt from the input are emitted again only when they say something new")
    func restart() throws {
        let definition = Self.definition(horizon: .minutes(5))
        var first = Self.engine(definition)
        for index in 0..<5 {
            _ = first.process(
                Self.reading(index, at: Self.base + Int64(index) * 1_000, pm25: Double(index)), topic: Topics.spatialEvents, partition: 0,
                offset: Int64(index), phase: .live, now: 0)
        }
        _ = first.process(
            Self.reading(5, at: Self.base + Self.minute + 1, pm25: 9), topic: Topics.spatialEvents, partition: 0, offset: 5, phase: .live, now: 0)
        let emitted = try #require(first.advance(now: 0).first)
        let snapshots = first.snapshots
        #expect(first.trailingOffsets[TopicPartition(topic: Topics.spatialEvents, partition: 0)] == 0)

        var second = AggregationEngine()
        second.define([definition.id: (definition, UUID(uuidString: "00000000-0000-7000-8000-000000000001")!)])
        second.restore(snapshots, now: 0)
        second.learnEmitted(emitted.window)
        for index in 0..<6 {
            let time = index == 5 ? Self.base + Self.minute + 1 : Self.base + Int64(index) * 1_000
            _ = second.process(
                Self.reading(index, at: time, pm25: index == 5 ? 9 : Double(index)), topic: Topics.spatialEvents, partition: 0, offset: Int64(index),
                phase: .rebuild, now: 0)
        }
        second.finishRebuild()
        #expect(second.advance(now: 0).isEmpty, "the same window is not emitted twice")
        // A late event after the restart corrects it as version 2, as it would have before.
        _ = second.process(
            Self.reading(6, at: Self.base + 30_000, pm25: 100), topic: Topics.spatialEvents, partition: 0, offset: 6, phase: .live, now: 0)
        #expect(second.advance(now: 0).map(\.window.version) == [2])
    }

    @Test("group_by property makes one key per value name; bbox and subject prefix filter")
    func grouping() {
        var definition = AggregationDefinition(id: "p", window: .init(size: .minutes(1)), groupBy: [.property], allowedLateness: .zero)
        definition.bbox = [114, 30, 115, 31]
        definition.subjectPrefix = "sensor:s"
        var engine = Self.engine(definition)
        _ = engine.process(Self.reading(1, at: Self.base, pm25: 4), topic: Topics.spatialEvents, partition: 0, offset: 0, phase: .live, now: 0)
        _ = engine.process(
            Self.reading(2, at: Self.base, pm25: 4, lon: 120), topic: Topics.spatialEvents, partition: 0, offset: 1, phase: .live, now: 0)
        _ = engine.process(
            Self.reading(3, sensor: "x", at: Self.base, pm25: 4), topic: Topics.spatialEvents, partition: 0, offset: 2, phase: .live, now: 0)
        _ = engine.process(
            Self.reading(4, at: Self.base + Self.minute, pm25: 4), topic: Topics.spatialEvents, partition: 0, offset: 3, phase: .live, now: 0)
        let windows = engine.advance(now: 0).map(\.window)
        #expect(windows.map(\.keyText).sorted() == ["property=no2", "property=pm25"])
        #expect(windows.allSatisfy { $0.count == 1 })
    }
}

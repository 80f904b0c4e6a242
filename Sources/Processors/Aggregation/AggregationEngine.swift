import Events
import Foundation
import JSON
import Kafka

/// The aggregator's state machine, without Kafka: events go in (`process`), windows come out
/// (`advance`) as the watermarks pass their ends, and late events become corrections or failures.
///
/// - **Watermarks.** Per aggregation and input partition, the newest event time seen minus the
///   allowed lateness. An aggregation's watermark is the lowest of its active partitions; a partition
///   that has had no event for `idle_timeout` (processing time) is idle and does not hold windows back
///   (when all are idle, the highest counts). A partition the stage reads but no event has come from
///   yet (``expect(_:now:)``) holds every window back until it is idle, as in Flink: otherwise the
///   first partition heard from would close windows the others still have events for. It never goes
///   back.
/// - **Windows.** A window is emitted (version 1) when the watermark passes its end. An event for a
///   window already emitted, whose end plus the correction horizon the watermark has not passed, is
///   added to it and the window is emitted again as the next version; an event all of whose windows
///   are past the horizon is a failure (a dead letter with the reason). A window is forgotten once the
///   watermark passes its end plus the horizon.
/// - **Restarts.** Versions already emitted are learned from the output topic (``learnEmitted``): a
///   window is emitted again only when what it says (its digest) differs from its last version, so
///   re-reading input after a crash repeats no version and loses no correction. While windows are
///   rebuilt from the input (``process(_:phase:now:)`` with a rebuild phase), nothing is emitted.
public struct AggregationEngine: Sendable {
    /// An event the engine could not use, with the reason.
    public struct Failure: Sendable {
        public var aggregation: String
        public var reason: String
    }

    /// How an event is taken.
    public enum Phase: Sendable {
        /// Live: lateness is judged against the watermark.
        case live
        /// Re-read after a restart, below the checkpoint's position: added to the windows still alive
        /// at the checkpoint's watermarks, nothing judged, nothing emitted.
        case rebuild
    }

    struct PartitionClock: Sendable {
        /// The newest event time seen; `nil` until the partition's first event.
        var newest: Int64?
        /// When its last event came (processing time), or when it was first expected.
        var lastSeen: Int64
    }

    struct WindowID: Hashable, Sendable {
        var start: Int64
        var keyText: String
    }

    struct Emitted: Sendable {
        var version: Int
        var digest: String
        var lateEvents: Int
    }

    struct Aggregation: Sendable {
        var definition: AggregationDefinition
        var revision: UUID
        let span: WindowSpan
        let keepSamples: Bool
        let wantedValues: Set<String>?
        var partitions: [TopicPartition: PartitionClock] = [:]
        var watermark: Int64?
        /// Windows by start, then by key text.
        var windows: [Int64: [String: WindowState]] = [:]
        /// Window starts present, ascending.
        var starts: [Int64] = []
        /// Versions read from the output topic for windows not (yet) rebuilt.
        var emitted: [WindowID: Emitted] = [:]
        /// The checkpoint's watermark while rebuilding: windows ending at or before it minus the horizon are gone.
        var rebuildWatermark: Int64?
        /// Restored from a checkpoint: takes part in the rebuild.
        var restored = false
        var gridLabels: [Int64: String] = [:]
        /// Hashes of the event ids taken, by the start of the last window of their time: an event
        /// a stage upstream produced twice (after a crash) is counted once.
        var seen: [Int64: Set<UInt64>] = [:]
        /// `WindowKey.text` of keys seen lately.
        var keyTexts: [WindowKey: String] = [:]

        init(definition: AggregationDefinition, revision: UUID) {
            self.definition = definition
            self.revision = revision
            span = WindowSpan(definition.window)
            keepSamples = definition.statistics.contains(.p50) || definition.statistics.contains(.p95)
            wantedValues = definition.values.isEmpty ? nil : Set(definition.values)
        }
    }

    var aggregations: [String: Aggregation] = [:]
    let regions: RegionLookup

    public init(regions: RegionLookup = RegionLookup(entities: nil, gazetteer: nil)) {
        self.regions = regions
    }

    /// The aggregations now running, with their revisions.
    public var revisions: [String: UUID] { aggregations.mapValues(\.revision) }

    /// Brings the aggregations in line with the definitions: a new or changed definition starts with
    /// no windows, a deleted one is dropped with its windows.
    public mutating func define(_ definitions: [String: (definition: AggregationDefinition, revision: UUID)]) {
        for id in aggregations.keys where definitions[id]?.revision != aggregations[id]?.revision {
            aggregations[id] = nil
        }
        for (id, entry) in definitions where aggregations[id] == nil {
            aggregations[id] = Aggregation(definition: entry.definition, revision: entry.revision)
            if entry.definition.groupBy.contains(.region), let collection = entry.definition.regions { regions.want(collection) }
        }
    }

    /// The input topics the aggregations read.
    public var inputs: Set<String> { Set(aggregations.values.map(\.definition.input)) }
    /// The output topics they write.
    public var outputs: Set<String> { Set(aggregations.values.map(\.definition.output)) }

    /// Whether every region collection the aggregations group by is loaded.
    public var regionsReady: Bool {
        aggregations.values.allSatisfy { aggregation in
            !aggregation.definition.groupBy.contains(.region) || aggregation.definition.regions.map(regions.isReady) ?? true
        }
    }

    // MARK: - Events in

    /// Adds one event to every aggregation it belongs to; returns the aggregations it was too late for.
    public mutating func process(_ event: SpatialEventFields, topic: String, partition: Int32, offset: Int64, phase: Phase, now: Int64) -> [Failure] {
        var failures: [Failure] = []
        // Walked by index so that each aggregation is changed in place, without copying the dictionary.
        var index = aggregations.startIndex
        while index != aggregations.endIndex {
            if let reason = aggregations.values[index].add(
                event, topic: topic, partition: partition, offset: offset, phase: phase, now: now, regions: regions)
            {
                failures.append(Failure(aggregation: aggregations.keys[index], reason: reason))
            }
            index = aggregations.index(after: index)
        }
        return failures
    }

    /// Tells the aggregations the partitions the stage reads: those of an aggregation's input not
    /// heard from yet hold its watermark until they are idle (counted from `now`).
    public mutating func expect(_ partitions: some Sequence<TopicPartition>, now: Int64) {
        let partitions = Array(partitions)
        var index = aggregations.startIndex
        while index != aggregations.endIndex {
            let input = aggregations.values[index].definition.input
            for partition in partitions where partition.topic == input && aggregations.values[index].partitions[partition] == nil {
                aggregations.values[index].partitions[partition] = PartitionClock(newest: nil, lastSeen: now)
            }
            index = aggregations.index(after: index)
        }
    }

    // MARK: - Windows out

    /// Moves the watermarks on (`now` decides which partitions are idle), and returns the windows to
    /// emit: those the watermark passed, and corrected ones. Forgets windows past the horizon.
    /// While `emitting` is false (rebuilding after a restart) the watermarks hold still.
    public mutating func advance(now: Int64, emitting: Bool = true) -> [(
        window: AggregateWindow, output: String, geometry: JSONValue?, theme: String?
    )] {
        guard emitting else { return [] }
        var results: [(window: AggregateWindow, output: String, geometry: JSONValue?, theme: String?)] = []
        for id in aggregations.keys.sorted() {
            results += aggregations[id]!.advance(now: now)
        }
        return results
    }

    /// Records a version found on the output topic (after a restart).
    public mutating func learnEmitted(_ window: AggregateWindow) {
        guard var aggregation = aggregations[window.aggregation], aggregation.revision == window.revision else { return }
        let start = Timestamp.epochMilliseconds(window.windowStart)
        let id = WindowID(start: start, keyText: window.keyText)
        let known =
            aggregation.windows[start]?[window.keyText].map {
                Emitted(version: $0.emittedVersion, digest: $0.emittedDigest ?? "", lateEvents: $0.lateEvents)
            }
            ?? aggregation.emitted[id]
        guard (known?.version ?? 0) < window.version else { return }
        let emitted = Emitted(version: window.version, digest: window.digest, lateEvents: window.lateEvents)
        if aggregation.windows[start]?[window.keyText] != nil {
            aggregation.windows[start]![window.keyText]!.emittedVersion = emitted.version
            aggregation.windows[start]![window.keyText]!.emittedDigest = emitted.digest
            aggregation.windows[start]![window.keyText]!.lateEvents = max(emitted.lateEvents, aggregation.windows[start]![window.keyText]!.lateEvents)
        } else {
            aggregation.emitted[id] = emitted
        }
        aggregations[window.aggregation] = aggregation
    }

    // MARK: - Checkpoints

    /// What a checkpoint keeps of an aggregation: its revision, watermark and partition clocks.
    public struct Snapshot: Codable, Sendable, Hashable {
        public var aggregation: String
        public var revision: UUID
        public var watermark: Int64?
        public var partitions: [PartitionSnapshot]
    }

    public struct PartitionSnapshot: Codable, Sendable, Hashable {
        public var topic: String
        public var partition: Int32
        public var newest: Int64
    }

    public var snapshots: [Snapshot] {
        aggregations.keys.sorted().map { id in
            let aggregation = aggregations[id]!
            return Snapshot(
                aggregation: id, revision: aggregation.revision, watermark: aggregation.watermark,
                partitions: aggregation.partitions.sorted { $0.key.description < $1.key.description }.compactMap { partition, clock in
                    clock.newest.map { PartitionSnapshot(topic: partition.topic, partition: partition.partition, newest: $0) }
                })
        }
    }

    /// Restores watermarks from a checkpoint (for aggregations of the same revision) and prepares the
    /// rebuild of the windows still alive at them.
    public mutating func restore(_ snapshots: [Snapshot], now: Int64) {
        for snapshot in snapshots {
            guard var aggregation = aggregations[snapshot.aggregation], aggregation.revision == snapshot.revision else { continue }
            aggregation.watermark = snapshot.watermark
            aggregation.rebuildWatermark = snapshot.watermark
            aggregation.restored = true
            for partition in snapshot.partitions {
                aggregation.partitions[TopicPartition(topic: partition.topic, partition: partition.partition)] = PartitionClock(
                    newest: partition.newest, lastSeen: now)
            }
            aggregations[snapshot.aggregation] = aggregation
        }
    }

    /// Ends the rebuild: rebuilt windows the watermark already passed are compared with their last
    /// version at the next advance.
    public mutating func finishRebuild() {
        for id in Array(aggregations.keys) {
            aggregations[id]!.finishRebuild()
        }
    }

    /// Per input partition, the earliest offset a window still alive holds: where to re-read from after a restart.
    public var trailingOffsets: [TopicPartition: Int64] {
        var trailing: [TopicPartition: Int64] = [:]
        for aggregation in aggregations.values {
            let input = aggregation.definition.input
            for windows in aggregation.windows.values {
                for window in windows.values {
                    for (partition, offset) in window.firstOffsets {
                        let key = TopicPartition(topic: input, partition: partition)
                        trailing[key] = min(trailing[key] ?? offset, offset)
                    }
                }
            }
        }
        return trailing
    }

    /// Windows held, over all aggregations.
    public var windowCount: Int {
        aggregations.values.reduce(0) { $0 + $1.windows.values.reduce(0) { $0 + $1.count } }
    }
}

extension AggregationEngine.Aggregation {
    /// Adds the event; returns a failure reason when it is too late for all its windows.
    mutating func add(
        _ event: SpatialEventFields, topic: String, partition: Int32, offset: Int64, phase: AggregationEngine.Phase, now: Int64,
        regions: RegionLookup
    ) -> String? {
        guard topic == definition.input, event.type == definition.eventType else { return nil }
        if let prefix = definition.subjectPrefix, !event.subject.hasPrefix(prefix) { return nil }
        if let bbox = definition.bbox,
            !(event.longitude >= bbox[0] && event.longitude <= bbox[2] && event.latitude >= bbox[1] && event.latitude <= bbox[3])
        {
            return nil
        }
        var readings = event.values
        if let wantedValues {
            readings = readings.filter { wantedValues.contains($0.name) }
            if readings.isEmpty { return nil }
        }
        var key = WindowKey()
        var region: Region?
        for grouping in definition.groupBy {
            switch grouping {
            case .sensor:
                key.sensor = event.sensorID ?? event.subject
            case .theme:
                key.theme = event.theme ?? "none"
            case .grid:
                key.grid = gridLabel(longitude: event.longitude, latitude: event.latitude)
            case .region:
                guard
                    let found = regions.region(
                        definition.regions ?? "", level: definition.regionLevel, longitude: event.longitude, latitude: event.latitude)
                else { return nil }
                region = found
                key.region = found.id
            case .property:
                break
            }
        }
        let partitionKey = TopicPartition(topic: topic, partition: partition)
        let starts = span.starts(containing: event.time)
        guard seen[WindowSpan.floor(event.time, span.step) * span.step, default: []].insert(Self.hash(event.id)).inserted else { return nil }
        switch phase {
        case .rebuild:
            guard restored else { return nil }
            let alive =
                rebuildWatermark.map { watermark in starts.filter { $0 + span.size + definition.correctionHorizon.milliseconds > watermark } }
                ?? Array(starts)
            for start in alive {
                addToWindows(
                    start: start, key: key, region: region, event: event, readings: readings, partition: partition, offset: offset, late: false)
            }
            return nil
        case .live:
            if let index = partitions.index(forKey: partitionKey) {
                partitions.values[index].newest = max(partitions.values[index].newest ?? event.time, event.time)
                partitions.values[index].lastSeen = now
            } else {
                partitions[partitionKey] = AggregationEngine.PartitionClock(newest: event.time, lastSeen: now)
            }
            let horizon = definition.correctionHorizon.milliseconds
            var applied = 0
            var tooLate: [Int64] = []
            for start in starts {
                let end = start + span.size
                if let watermark, end + horizon <= watermark {
                    tooLate.append(start)
                    continue
                }
                let late = watermark.map { end <= $0 } ?? false
                addToWindows(
                    start: start, key: key, region: region, event: event, readings: readings, partition: partition, offset: offset, late: late)
                applied += 1
            }
            guard applied == 0, let first = tooLate.first, let watermark else { return nil }
            return
                "event time \(Timestamp.format(Self.date(event.time))) is too late for aggregation \(definition.id): its window [\(Timestamp.format(Self.date(first))), \(Timestamp.format(Self.date(first + span.size)))) was emitted and its correction horizon (\(definition.correctionHorizon)) has passed (watermark \(Timestamp.format(Self.date(watermark))))"
        }
    }

    private mutating func addToWindows(
        start: Int64, key: WindowKey, region: Region?, event: SpatialEventFields, readings: [(name: String, value: Double)], partition: Int32,
        offset: Int64, late: Bool
    ) {
        if definition.groupBy.contains(.property) {
            for reading in readings {
                var propertyKey = key
                propertyKey.property = reading.name
                addToWindow(
                    start: start, key: propertyKey, region: region, event: event, readings: [reading], partition: partition, offset: offset,
                    late: late)
            }
        } else {
            addToWindow(start: start, key: key, region: region, event: event, readings: readings, partition: partition, offset: offset, late: late)
        }
    }

    private mutating func addToWindow(
        start: Int64, key: WindowKey, region: Region?, event: SpatialEventFields, readings: [(name: String, value: Double)], partition: Int32,
        offset: Int64, late: Bool
    ) {
        let keyText = text(of: key)
        // Reached by index through `values`, which changes the window in place: through optional
        // subscripts (`windows[start]![keyText]!`) it is copied out and back for every event.
        if let outer = windows.index(forKey: start), let inner = windows.values[outer].index(forKey: keyText) {
            Self.apply(
                &windows.values[outer].values[inner], readings: readings, event: event, partition: partition, offset: offset,
                keepSamples: keepSamples, late: late)
            return
        }
        if windows[start] == nil {
            windows[start] = [:]
            let index = starts.partitioningIndex { $0 >= start }
            starts.insert(start, at: index)
        }
        var window = WindowState(start: start, end: start + span.size, key: key.dictionary, keyText: keyText)
        if let emitted = emitted.removeValue(forKey: AggregationEngine.WindowID(start: start, keyText: keyText)) {
            window.emittedVersion = emitted.version
            window.emittedDigest = emitted.digest
            window.lateEvents = emitted.lateEvents
        }
        window.regionName = region?.name
        window.regionCentroid = region.map { ($0.longitude, $0.latitude) }
        Self.apply(&window, readings: readings, event: event, partition: partition, offset: offset, keepSamples: keepSamples, late: late)
        windows[start]![keyText] = window
    }

    /// The key's text, written once per key: this runs for every event, and most keys recur.
    private mutating func text(of key: WindowKey) -> String {
        if let text = keyTexts[key] { return text }
        // Keys that come and go (grid cells, moving sensors) would grow the cache without end.
        if keyTexts.count >= 100_000 { keyTexts.removeAll(keepingCapacity: true) }
        let text = key.text
        keyTexts[key] = text
        return text
    }

    /// One lookup of the window for the whole update: this runs for every event.
    private static func apply(
        _ window: inout WindowState, readings: [(name: String, value: Double)], event: SpatialEventFields, partition: Int32, offset: Int64,
        keepSamples: Bool, late: Bool
    ) {
        window.add(
            readings: readings, longitude: event.longitude, latitude: event.latitude, partition: partition, offset: offset, keepSamples: keepSamples,
            late: late)
        if late { window.corrected = true }
        if let theme = event.theme { window.theme = theme }
    }

    mutating func finishRebuild() {
        defer { restored = false }
        guard let watermark = rebuildWatermark else { return }
        rebuildWatermark = nil
        for start in starts where start + span.size <= watermark {
            for keyText in Array(windows[start]?.keys ?? [:].keys) {
                // Compared with its last version (learned from the output) at the next advance.
                windows[start]![keyText]!.corrected = true
            }
        }
    }

    /// The watermark now: the lowest of the active partitions, the highest when all are idle. An
    /// active partition not heard from yet holds it where it is.
    func currentWatermark(now: Int64) -> Int64? {
        let lateness = definition.allowedLateness.milliseconds
        let idle = definition.idleTimeout.milliseconds
        var lowestActive: Int64?
        var highest: Int64?
        for clock in partitions.values {
            guard let newest = clock.newest else {
                if now - clock.lastSeen < idle { return watermark }
                continue
            }
            let mark = newest - lateness
            highest = max(highest ?? mark, mark)
            if now - clock.lastSeen < idle { lowestActive = min(lowestActive ?? mark, mark) }
        }
        guard let computed = lowestActive ?? highest else { return watermark }
        return max(watermark ?? computed, computed)
    }

    mutating func advance(now: Int64) -> [(window: AggregateWindow, output: String, geometry: JSONValue?, theme: String?)] {
        guard let watermark = currentWatermark(now: now) else { return [] }
        self.watermark = watermark
        var results: [(window: AggregateWindow, output: String, geometry: JSONValue?, theme: String?)] = []
        let horizon = definition.correctionHorizon.milliseconds
        var expired: [Int64] = []
        for start in starts {
            let end = start + span.size
            guard end <= watermark else { break }
            for keyText in windows[start]!.keys.sorted() {
                let window = windows[start]![keyText]!
                guard window.emittedVersion == 0 || window.corrected else { continue }
                var result = window.result(
                    aggregation: definition.id, revision: revision, statistics: definition.statistics, version: window.emittedVersion + 1)
                let digest = result.digest
                windows[start]![keyText]!.corrected = false
                if digest == window.emittedDigest { continue }
                result.version = window.emittedVersion + 1
                windows[start]![keyText]!.emittedVersion = result.version
                windows[start]![keyText]!.emittedDigest = digest
                results.append((result, definition.output, geometry(window), window.theme))
            }
            if end + horizon <= watermark { expired.append(start) }
        }
        for start in expired { windows[start] = nil }
        if !expired.isEmpty { starts.removeFirst(expired.count) }
        if !emitted.isEmpty {
            emitted = emitted.filter { $0.key.start + span.size + horizon > watermark }
        }
        for bucket in seen.keys where bucket + span.size + horizon <= watermark { seen[bucket] = nil }
        return results
    }

    /// The window's geometry: a grid cell's square, a region's label point, else the mean position of its events.
    private func geometry(_ window: WindowState) -> JSONValue {
        if let cell = window.key["grid"] {
            let size = definition.gridSize ?? 0.01
            let parts = cell.split(separator: ",").compactMap { Double($0) }
            if parts.count == 2 {
                let (west, south) = (parts[0], parts[1])
                let ring: [JSONValue] = [(west, south), (west + size, south), (west + size, south + size), (west, south + size), (west, south)].map {
                    .array([.number($0.0), .number($0.1)])
                }
                return .object([("type", .string("Polygon")), ("coordinates", .array([.array(ring)]))])
            }
        }
        let point =
            window.regionCentroid
            ?? (window.longitudeSum / Double(max(window.count, 1)), window.latitudeSum / Double(max(window.count, 1)))
        return .object([("type", .string("Point")), ("coordinates", .array([.number(point.0), .number(point.1)]))])
    }

    /// The south-west corner of the event's grid cell, as `longitude,latitude` with the cell's precision.
    private mutating func gridLabel(longitude: Double, latitude: Double) -> String {
        let size = definition.gridSize ?? 0.01
        let x = Int64((longitude / size).rounded(.down))
        let y = Int64((latitude / size).rounded(.down))
        let cell = (x &* 4_000_000) &+ y
        if let label = gridLabels[cell] { return label }
        let decimals = max(0, Int((-log10(size)).rounded(.up)) + 1)
        let label = String(format: "%.\(decimals)f,%.\(decimals)f", Double(x) * size, Double(y) * size)
        if gridLabels.count > 100_000 { gridLabels = [:] }
        gridLabels[cell] = label
        return label
    }

    static func date(_ milliseconds: Int64) -> Date { Date(timeIntervalSince1970: Double(milliseconds) / 1_000) }

    /// FNV-1a of an event id's text: 64 bits, so two different ids of one window colliding is a one in 10¹³ chance.
    static func hash(_ id: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in id.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }
}

extension Array where Element == Int64 {
    /// The first index whose element satisfies `predicate` (the array is partitioned by it).
    func partitioningIndex(where predicate: (Int64) -> Bool) -> Int {
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            if predicate(self[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}

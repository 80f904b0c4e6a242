import Events
import Foundation
import JSON
import SpatialIndex

/// The alerting processor's rules, without Kafka: positions and readings (``process(reading:)``)
/// and aggregate windows (``process(window:)``) go in, alert events come out. Everything a decision
/// depends on is the subject's own events in order and ``AlertState``, so the same input gives the
/// same alerts with the same ids.
///
/// - `enter` / `exit`: a subject's position moves from outside to inside a fence (or back). The first
///   position of a subject only tells where it is (no enter for a subject first seen inside).
/// - `inside`: raised when a subject is (first seen or comes) inside, cleared when it leaves.
/// - `dwell`: raised once the subject has been inside for `dwell` (on its first position after
///   that), cleared when it leaves.
/// - `threshold`: raised when the condition held for `for` consecutive readings or windows, cleared
///   once the clear condition (by default: not the condition) held `clear_for` consecutive times.
///   Consecutive windows are windows of one key whose starts are at most a window length apart; a
///   corrected window replaces its earlier version.
public struct AlertEngine: Sendable {
    public struct CompiledRule: Sendable {
        public var rule: AlertRule
        public var revision: UUID
        var condition: (any AlertCondition)?
        var clear: (any AlertCondition)?
    }

    /// An alert event with the position it is about.
    public typealias Output = AlertEvent

    public private(set) var state = AlertState()
    private(set) var rules: [String: CompiledRule] = [:]
    /// Fences by reference (`wuhan_districts/420106`, `geofences/depot`).
    private var fences = PolygonSet<String>()
    private var fenceNames: [String: String] = [:]
    private let compile: AlertConditionCompiler?

    public init(compile: AlertConditionCompiler?) {
        self.compile = compile
    }

    /// Replaces the state (from a checkpoint).
    public mutating func restore(_ state: AlertState) {
        self.state = state
    }

    /// Brings the rules in line with the definitions; returns the rules whose conditions did not compile.
    @discardableResult
    public mutating func define(_ definitions: [String: (rule: AlertRule, revision: UUID)]) -> [(rule: String, reason: String)] {
        var problems: [(rule: String, reason: String)] = []
        var compiled: [String: CompiledRule] = [:]
        for (id, entry) in definitions {
            var rule = CompiledRule(rule: entry.rule, revision: entry.revision)
            if entry.rule.kind == .threshold {
                guard let compile, let text = entry.rule.condition else {
                    problems.append((id, "no CQL2 evaluator in this process"))
                    continue
                }
                do {
                    rule.condition = try compile(text, entry.rule.source ?? .readings)
                    rule.clear = try entry.rule.clear.map { try compile($0, entry.rule.source ?? .readings) }
                } catch {
                    problems.append((id, "\(error)"))
                    continue
                }
            }
            compiled[id] = rule
        }
        rules = compiled
        // Memory of rules that changed or went away is dropped: a redefined rule starts afresh.
        let revisions = compiled.mapValues(\.revision)
        if revisions != state.revisions {
            let stale = Set(state.revisions.filter { revisions[$0.key] != $0.value }.keys).union(
                Set(state.revisions.keys).subtracting(revisions.keys))
            if !stale.isEmpty {
                state.fences = state.fences.filter { !stale.contains(Self.rule(ofKey: $0.key)) }
                state.thresholds = state.thresholds.filter { !stale.contains(Self.rule(ofKey: $0.key)) }
            }
            state.revisions = revisions
        }
        return problems
    }

    /// Replaces the fences (every polygon geofence rules may name), with display names.
    public mutating func setFences(_ fences: PolygonSet<String>, names: [String: String]) {
        self.fences = fences
        fenceNames = names
    }

    /// The collections whose polygons the geofence rules need.
    public var fenceCollections: Set<String> {
        rules.values.reduce(into: Set<String>()) { $0.formUnion($1.rule.fences?.collections ?? []) }
    }

    public var hasReadingRules: Bool {
        rules.values.contains { $0.rule.kind.isGeofence || ($0.rule.kind == .threshold && ($0.rule.source ?? .readings) == .readings) }
    }

    // MARK: - Positions and readings

    /// One spatialised event of a moving subject or a sensor.
    public mutating func process(reading event: SpatialEventFields) -> [Output] {
        var outputs: [Output] = []
        var inside: [String]?
        for id in rules.keys.sorted() {
            guard let compiled = rules[id], compiled.rule.subjects?.matches(event.subject) ?? true else { continue }
            let rule = compiled.rule
            if rule.kind.isGeofence {
                if inside == nil { inside = fences.containing(longitude: event.longitude, latitude: event.latitude) }
                outputs += geofence(rule, event: event, containing: inside!.filter { rule.fences?.matches($0) ?? false })
            } else if (rule.source ?? .readings) == .readings, let condition = compiled.condition {
                let input = Self.input(event)
                let matches = condition.matches(input)
                let clears = compiled.clear.map { $0.matches(input) } ?? !matches
                outputs += threshold(
                    rule, subject: event.subject, matches: matches, clears: clears, evidence: Self.evidence(event), event: event.id,
                    time: event.time, geometry: Self.point(event.longitude, event.latitude))
            }
        }
        return outputs
    }

    private mutating func geofence(_ rule: AlertRule, event: SpatialEventFields, containing now: [String]) -> [Output] {
        let key = AlertState.key(rule.id, event.subject)
        var outputs: [Output] = []
        let point = Self.point(event.longitude, event.latitude)
        let evidence = Self.evidence(event)
        guard var memory = state.fences[key] else {
            var memory = FenceMemory()
            memory.last = event.time
            for fence in now.sorted() {
                memory.inside[fence] = event.time
                if rule.kind == .inside {
                    let raised = raise(
                        rule, subject: event.subject, fence: fence, trigger: event.id, time: event.time, geometry: point, evidence: evidence)
                    memory.open[fence] = raised.data.alertID
                    outputs.append(raised)
                }
            }
            state.fences[key] = memory
            return outputs
        }
        guard event.time > memory.last else { return [] }
        memory.last = event.time
        let current = Set(now)
        let entered = current.subtracting(memory.inside.keys).sorted()
        let exited = Set(memory.inside.keys).subtracting(current).sorted()
        for fence in entered {
            memory.inside[fence] = event.time
            switch rule.kind {
            case .enter:
                outputs.append(
                    raise(rule, subject: event.subject, fence: fence, trigger: event.id, time: event.time, geometry: point, evidence: evidence))
            case .inside:
                let raised = raise(
                    rule, subject: event.subject, fence: fence, trigger: event.id, time: event.time, geometry: point, evidence: evidence)
                memory.open[fence] = raised.data.alertID
                outputs.append(raised)
            default:
                break
            }
        }
        for fence in exited {
            memory.inside[fence] = nil
            if rule.kind == .exit {
                outputs.append(
                    raise(rule, subject: event.subject, fence: fence, trigger: event.id, time: event.time, geometry: point, evidence: evidence))
            }
            if let open = memory.open.removeValue(forKey: fence) {
                outputs.append(
                    clear(
                        rule, alert: open, subject: event.subject, fence: fence, trigger: event.id, time: event.time, geometry: point,
                        evidence: evidence))
            }
        }
        if rule.kind == .dwell, let dwell = rule.dwell?.milliseconds {
            for (fence, since) in memory.inside.sorted(by: { $0.key < $1.key }) where memory.open[fence] == nil && event.time - since >= dwell {
                var dwellEvidence = evidence
                if case .object(var members) = dwellEvidence {
                    members.append(("inside_since", .string(Timestamp.format(Date(timeIntervalSince1970: Double(since) / 1_000)))))
                    dwellEvidence = .object(members)
                }
                let raised = raise(
                    rule, subject: event.subject, fence: fence, trigger: event.id, time: event.time, geometry: point, evidence: dwellEvidence)
                memory.open[fence] = raised.data.alertID
                outputs.append(raised)
            }
        }
        state.fences[key] = memory
        return outputs
    }

    // MARK: - Aggregate windows

    /// One version of an aggregate window.
    public mutating func process(window event: AggregateWindowEvent) -> [Output] {
        var outputs: [Output] = []
        let window = event.data
        for id in rules.keys.sorted() {
            guard let compiled = rules[id], compiled.rule.kind == .threshold, compiled.rule.source == .aggregates,
                let condition = compiled.condition, compiled.rule.subjects?.matches(event.subject) ?? true
            else { continue }
            if let aggregation = compiled.rule.aggregation, aggregation != window.aggregation { continue }
            let input = Self.input(event)
            let matches = condition.matches(input)
            let clears = compiled.clear.map { $0.matches(input) } ?? !matches
            outputs += thresholdWindow(compiled.rule, event: event, matches: matches, clears: clears)
        }
        return outputs
    }

    private mutating func thresholdWindow(_ rule: AlertRule, event: AggregateWindowEvent, matches: Bool, clears: Bool) -> [Output] {
        let key = AlertState.key(rule.id, event.subject)
        var memory = state.thresholds[key] ?? ThresholdMemory()
        let start = Timestamp.epochMilliseconds(event.data.windowStart)
        let end = Timestamp.epochMilliseconds(event.data.windowEnd)
        let mark = ThresholdMemory.WindowMark(
            start: start, end: end, version: event.data.version, matches: matches, clears: clears, eventID: event.id.uuidString.lowercased())
        if let index = memory.windows.firstIndex(where: { $0.start == start }) {
            guard memory.windows[index].version < mark.version else { return [] }
            memory.windows[index] = mark
        } else {
            memory.windows.append(mark)
            memory.windows.sort { $0.start < $1.start }
        }
        let keep = max(rule.raiseAfter, rule.clearAfter) + 2
        if memory.windows.count > keep { memory.windows.removeFirst(memory.windows.count - keep) }
        // The latest run of consecutive windows.
        var run: [ThresholdMemory.WindowMark] = []
        for window in memory.windows.reversed() {
            if let next = run.last, next.start - window.start > window.end - window.start { break }
            run.append(window)
        }
        let latest = run.first!
        var outputs: [Output] = []
        let evidence = Self.evidence(event)
        let geometry = event.space.geometry
        let time = Timestamp.epochMilliseconds(event.data.windowEnd)
        if memory.open == nil {
            if run.count >= rule.raiseAfter, run.prefix(rule.raiseAfter).allSatisfy(\.matches) {
                let raised = raise(
                    rule, subject: event.subject, fence: nil, trigger: latest.eventID, time: time, geometry: geometry,
                    evidence: Self.with(evidence, consecutive: rule.raiseAfter))
                memory.open = raised.data.alertID
                outputs.append(raised)
            }
        } else if let open = memory.open, run.count >= rule.clearAfter, run.prefix(rule.clearAfter).allSatisfy(\.clears) {
            outputs.append(
                clear(
                    rule, alert: open, subject: event.subject, fence: nil, trigger: latest.eventID, time: time, geometry: geometry,
                    evidence: Self.with(evidence, consecutive: rule.clearAfter)))
            memory.open = nil
        }
        state.thresholds[key] = memory
        return outputs
    }

    private mutating func threshold(
        _ rule: AlertRule, subject: String, matches: Bool, clears: Bool, evidence: JSONValue, event: String, time: Int64, geometry: JSONValue?
    ) -> [Output] {
        let key = AlertState.key(rule.id, subject)
        var memory = state.thresholds[key] ?? ThresholdMemory()
        guard time > memory.last else { return [] }
        memory.last = time
        var outputs: [Output] = []
        if let open = memory.open {
            memory.clearing = clears ? memory.clearing + 1 : 0
            if memory.clearing >= rule.clearAfter {
                outputs.append(
                    clear(
                        rule, alert: open, subject: subject, fence: nil, trigger: event, time: time, geometry: geometry,
                        evidence: Self.with(evidence, consecutive: memory.clearing)))
                memory.open = nil
                memory.clearing = 0
                memory.matching = 0
            }
        } else {
            memory.matching = matches ? memory.matching + 1 : 0
            if memory.matching >= rule.raiseAfter {
                let raised = raise(
                    rule, subject: subject, fence: nil, trigger: event, time: time, geometry: geometry,
                    evidence: Self.with(evidence, consecutive: memory.matching))
                memory.open = raised.data.alertID
                memory.matching = 0
                memory.clearing = 0
                outputs.append(raised)
            }
        }
        state.thresholds[key] = memory
        return outputs
    }

    // MARK: - Events

    private func raise(
        _ rule: AlertRule, subject: String, fence: String?, trigger: String, time: Int64, geometry: JSONValue?, evidence: JSONValue
    ) -> Output {
        let date = Date(timeIntervalSince1970: Double(time) / 1_000)
        let id = AlertEvent.eventID(type: AlertEvent.raised, rule: rule.id, subject: subject, fence: fence, trigger: trigger, at: date)
        let data = Alert(
            alertID: id, rule: rule.id, kind: rule.kind.rawValue, subject: subject, fence: fence, severity: rule.severity, status: "raised",
            message: message(rule, subject: subject, fence: fence, cleared: false), evidence: evidence)
        return AlertEvent(
            id: id, type: AlertEvent.raised, source: "shikong://processors.alerts/\(rule.id)", occurredAt: date, recordedAt: Date(),
            geometry: geometry, data: data)
    }

    private func clear(
        _ rule: AlertRule, alert: UUID, subject: String, fence: String?, trigger: String, time: Int64, geometry: JSONValue?, evidence: JSONValue
    ) -> Output {
        let date = Date(timeIntervalSince1970: Double(time) / 1_000)
        let id = AlertEvent.eventID(type: AlertEvent.cleared, rule: rule.id, subject: subject, fence: fence, trigger: trigger, at: date)
        let data = Alert(
            alertID: alert, rule: rule.id, kind: rule.kind.rawValue, subject: subject, fence: fence, severity: rule.severity, status: "cleared",
            message: message(rule, subject: subject, fence: fence, cleared: true), evidence: evidence)
        return AlertEvent(
            id: id, type: AlertEvent.cleared, source: "shikong://processors.alerts/\(rule.id)", occurredAt: date, recordedAt: Date(),
            geometry: geometry, data: data)
    }

    private func message(_ rule: AlertRule, subject: String, fence: String?, cleared: Bool) -> String {
        let place = fence.map { fence in fenceNames[fence].map { "\(fence) (\($0))" } ?? fence } ?? ""
        let title = rule.title ?? rule.id
        switch rule.kind {
        case .enter: return "\(subject) entered \(place)"
        case .exit: return "\(subject) left \(place)"
        case .inside: return cleared ? "\(subject) is no longer inside \(place)" : "\(subject) is inside \(place)"
        case .dwell:
            return cleared ? "\(subject) left \(place) after dwelling" : "\(subject) has stayed inside \(place) for \(rule.dwell?.description ?? "")"
        case .threshold:
            return cleared
                ? "\(title): cleared for \(subject) (\(rule.clear ?? "NOT (\(rule.condition ?? ""))"))"
                : "\(title): \(rule.condition ?? "") held \(rule.raiseAfter) time\(rule.raiseAfter == 1 ? "" : "s") in a row for \(subject)"
        }
    }

    // MARK: - Inputs and evidence

    static func rule(ofKey key: String) -> String { String(key.prefix { $0 != "|" }) }

    static func point(_ longitude: Double, _ latitude: Double) -> JSONValue {
        .object([("type", .string("Point")), ("coordinates", .array([.number(longitude), .number(latitude)]))])
    }

    static func input(_ event: SpatialEventFields) -> ConditionInput {
        var properties: [String: JSONValue] = ["subject": .string(event.subject)]
        if let sensor = event.sensorID { properties["sensor_id"] = .string(sensor) }
        if let theme = event.theme { properties["theme"] = .string(theme) }
        properties["observed_at"] = .string(Timestamp.format(Date(timeIntervalSince1970: Double(event.time) / 1_000)))
        for (name, value) in event.values { properties[name] = .number(value) }
        return ConditionInput(
            properties: properties, longitude: event.longitude, latitude: event.latitude,
            time: Date(timeIntervalSince1970: Double(event.time) / 1_000))
    }

    static func input(_ event: AggregateWindowEvent) -> ConditionInput {
        let window = event.data
        var properties: [String: JSONValue] = [
            "aggregation": .string(window.aggregation), "key": .string(window.keyText), "version": .number(Double(window.version)),
            "window_start": .string(Timestamp.format(window.windowStart)), "window_end": .string(Timestamp.format(window.windowEnd)),
            "late_events": .number(Double(window.lateEvents)),
        ]
        for (name, value) in window.key { properties[name] = .string(value) }
        if let name = window.regionName { properties["region_name"] = .string(name) }
        for (name, value) in window.flatStatistics { properties[name] = .number(value) }
        var longitude: Double?
        var latitude: Double?
        if let coordinates = event.space.geometry?["coordinates"]?.array, coordinates.count == 2 {
            longitude = coordinates[0].number
            latitude = coordinates[1].number
        }
        return ConditionInput(properties: properties, longitude: longitude, latitude: latitude, time: window.windowEnd)
    }

    static func evidence(_ event: SpatialEventFields) -> JSONValue {
        .object([
            ("event_id", .string(event.id)), ("time", .string(Timestamp.format(Date(timeIntervalSince1970: Double(event.time) / 1_000)))),
            ("position", .array([.number(event.longitude), .number(event.latitude)])),
            ("values", .object(event.values.map { ($0.name, JSONValue.number($0.value)) })),
        ])
    }

    static func evidence(_ event: AggregateWindowEvent) -> JSONValue {
        let window = event.data
        return .object([
            ("event_id", .string(event.id.uuidString.lowercased())), ("aggregation", .string(window.aggregation)), ("key", .string(window.keyText)),
            ("window_start", .string(Timestamp.format(window.windowStart))), ("window_end", .string(Timestamp.format(window.windowEnd))),
            ("version", .number(Double(window.version))),
            ("values", .object(window.flatStatistics.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.number($0.value)) })),
        ])
    }

    static func with(_ evidence: JSONValue, consecutive: Int) -> JSONValue {
        guard case .object(var members) = evidence else { return evidence }
        members.append(("consecutive", .number(Double(consecutive))))
        return .object(members)
    }
}

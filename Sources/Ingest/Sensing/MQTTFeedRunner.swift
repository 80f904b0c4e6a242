import Events
import Foundation
import JSON
import Logging

/// Runs `mqtt-feed` tasks on a process's MQTT bridge (see `TaskRunnerFactory` for the protocol): a
/// runner activates its feed on the bridge (subscribing its filter on the live session), is ready
/// once the broker acknowledged the subscription, watches for silent sensors while it runs, and
/// deactivates the feed when cancelled (paused, changed, deleted or stopping).
public struct MQTTFeedRunnerFactory: TaskRunnerFactory {
    let bridge: MQTTBridge
    let history: (any FeedSensorHistory)?
    let reporter: (any SilentSensorReporter)?
    let logger: Logger

    public init(bridge: MQTTBridge, history: (any FeedSensorHistory)?, reporter: (any SilentSensorReporter)?, logger: Logger) {
        self.bridge = bridge
        self.history = history
        self.reporter = reporter
        self.logger = logger
    }

    public var kind: TaskKind { .mqttFeed }

    public func makeRunner(for task: PlatformTask, context: TaskRunContext) throws -> any TaskRunner {
        let definition: MQTTFeedDefinition
        do {
            definition = try MQTTFeedDefinition(json: task.definition)
        } catch {
            throw TaskDefinitionError("task \(task.id): \(error.message)")
        }
        return MQTTFeedRunner(
            taskID: task.id, definition: definition, bridge: bridge, context: context, history: history, reporter: reporter, logger: logger)
    }
}

/// One active MQTT feed.
struct MQTTFeedRunner: TaskRunner {
    let taskID: String
    let definition: MQTTFeedDefinition
    let bridge: MQTTBridge
    let context: TaskRunContext
    let history: (any FeedSensorHistory)?
    let reporter: (any SilentSensorReporter)?
    let logger: Logger

    func run() async throws {
        let monitor = context.monitor
        monitor.setDetail("topic_filter", .string(definition.topicFilter))
        monitor.setDetail("subscribed", .bool(false))
        if definition.expectedInterval != nil, let history {
            do {
                bridge.seedSensors(try await history.lastSeen(topicFilter: definition.topicFilter), ofFeed: taskID)
            } catch {
                logger.warning(
                    "sensors of the feed not read; silence is watched from their next message", metadata: ["task": "\(taskID)", "error": "\(error)"])
            }
        }
        bridge.activate(taskID: taskID, definition: definition, monitor: monitor) { [context] in
            context.monitor.setDetail("subscribed", .bool(true))
            context.ready()
        }
        var watcher = SilenceWatcher(taskID: taskID, definition: definition)
        do {
            while !Task.isCancelled {
                try await Task.sleep(for: watcher.checkEvery)
                guard definition.expectedInterval != nil else { continue }
                let (silent, spoke) = watcher.check(bridge.lastSeen(ofFeed: taskID), now: Date())
                for sensor in silent { await report { try await $0.silent(sensor) } }
                for sensor in spoke { await report { try await $0.spoke(sensor) } }
                monitor.setDetail("sensors", .number(Double(watcher.sensorCount)))
                monitor.setDetail("silent_sensors", .array(watcher.silentSensors.map(JSONValue.string)))
            }
        } catch is CancellationError {}
        // Unsubscribed only once the broker says so: what is published after the status shows it is not taken.
        bridge.deactivate(taskID: taskID) { monitor.setDetail("subscribed", .bool(false)) }
    }

    private func report(_ body: (any SilentSensorReporter) async throws -> Void) async {
        guard let reporter else { return }
        do {
            try await body(reporter)
        } catch {
            context.monitor.recordError("silent-sensor report not published: \(error)")
        }
    }
}

/// Which sensors of a feed have been silent for `silent_after_intervals` expected intervals, and
/// which of those spoke again since they were reported.
struct SilenceWatcher {
    let taskID: String
    let definition: MQTTFeedDefinition
    /// Reported silences: sensor → the time it last spoke before falling silent.
    private var reported: [String: Date] = [:]
    private(set) var sensorCount = 0

    init(taskID: String, definition: MQTTFeedDefinition) {
        self.taskID = taskID
        self.definition = definition
    }

    var checkEvery: Duration {
        .milliseconds(Int(min(max((definition.expectedInterval ?? 10) * 1_000 / 2, 200), 10_000)))
    }

    var silentSensors: [String] { reported.keys.sorted() }

    mutating func check(_ lastSeen: [String: Date], now: Date) -> (silent: [SilentSensor], spoke: [SilentSensor]) {
        guard let interval = definition.expectedInterval else { return ([], []) }
        sensorCount = lastSeen.count
        let limit = interval * Double(definition.silentAfterIntervals)
        var silent: [SilentSensor] = []
        var spoke: [SilentSensor] = []
        for (sensor, last) in lastSeen.sorted(by: { $0.key < $1.key }) {
            if let since = reported[sensor] {
                guard last > since else { continue }
                reported[sensor] = nil
                spoke.append(
                    SilentSensor(
                        task: taskID, sensor: sensor, lastSeen: since, spokeAt: last, expectedInterval: interval,
                        intervals: definition.silentAfterIntervals))
            } else if now.timeIntervalSince(last) > limit {
                reported[sensor] = last
                silent.append(
                    SilentSensor(
                        task: taskID, sensor: sensor, lastSeen: last, spokeAt: nil, expectedInterval: interval,
                        intervals: definition.silentAfterIntervals))
            }
        }
        return (silent, spoke)
    }
}

/// A sensor of a feed that fell silent (or spoke again after a silence).
public struct SilentSensor: Sendable, Hashable {
    public var task: String
    public var sensor: String
    /// When it last spoke before the silence.
    public var lastSeen: Date
    /// When it spoke again, for a silence that ended.
    public var spokeAt: Date?
    public var expectedInterval: Double
    public var intervals: Int
}

/// When each sensor of a feed last spoke, as the platform knew before this process started (the
/// platform answers from the sensor projection).
public protocol FeedSensorHistory: Sendable {
    func lastSeen(topicFilter: String) async throws -> [String: Date]
}

/// Where silent sensors are reported (the platform publishes alerts).
public protocol SilentSensorReporter: Sendable {
    func silent(_ sensor: SilentSensor) async throws
    func spoke(_ sensor: SilentSensor) async throws
}

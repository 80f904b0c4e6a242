import Events
import Foundation
import MQTT
import Synchronization

/// The MQTT feeds a bridge knows: active ones (subscribed), and paused or deleted ones it still
/// reads messages of — QoS 1 messages the broker queued for the session before the unsubscription
/// keep arriving and are appended like any other, so pausing loses nothing already sent. Each feed
/// remembers when each of its sensors last spoke (for silent-sensor reports).
final class FeedTable: Sendable {
    /// One feed as the bridge uses it.
    struct Feed: Sendable {
        var taskID: String
        var definition: MQTTFeedDefinition
        var monitor: TaskMonitor?
        /// `ce_feed`, written once.
        var header: String
        var active: Bool
    }

    private struct State {
        var feeds: [String: Feed] = [:]
        /// Task ids in the order they were activated: the first active match wins.
        var order: [String] = []
        var lastSeen: [String: [String: Date]] = [:]
    }

    private let state = Mutex(State())

    /// Makes the feed active; returns whether its filter is newly wanted (no other active feed has it).
    func activate(_ taskID: String, definition: MQTTFeedDefinition, monitor: TaskMonitor?) -> Bool {
        state.withLock { state in
            let wanted = !state.feeds.values.contains { $0.active && $0.definition.topicFilter == definition.topicFilter && $0.taskID != taskID }
            state.feeds[taskID] = Feed(
                taskID: taskID, definition: definition, monitor: monitor, header: definition.context.headerValue, active: true)
            state.order.removeAll { $0 == taskID }
            state.order.append(taskID)
            return wanted
        }
    }

    /// Makes the feed inactive (its messages still in flight are read as before); returns its filter
    /// when no active feed wants it any more.
    func deactivate(_ taskID: String) -> String? {
        state.withLock { state in
            guard var feed = state.feeds[taskID], feed.active else { return nil }
            feed.active = false
            state.feeds[taskID] = feed
            let filter = feed.definition.topicFilter
            return state.feeds.values.contains { $0.active && $0.definition.topicFilter == filter } ? nil : filter
        }
    }

    /// The feed a topic belongs to: the first active feed whose filter matches, else the latest
    /// inactive one (messages that were on their way when it was paused or deleted).
    func feed(for topic: String) -> Feed? {
        state.withLock { state in
            var inactive: Feed?
            for id in state.order {
                guard let feed = state.feeds[id], MQTTTopicFilter.matches(feed.definition.topicFilter, topic: topic) else { continue }
                if feed.active { return feed }
                inactive = feed
            }
            return inactive
        }
    }

    func noteSensor(_ sensor: String, of taskID: String, at date: Date) {
        state.withLock { $0.lastSeen[taskID, default: [:]][sensor] = date }
    }

    func seed(_ sensors: [String: Date], of taskID: String) {
        state.withLock { state in
            for (sensor, date) in sensors where date > (state.lastSeen[taskID]?[sensor] ?? .distantPast) {
                state.lastSeen[taskID, default: [:]][sensor] = date
            }
        }
    }

    /// When each sensor of the feed last spoke.
    func lastSeen(of taskID: String) -> [String: Date] {
        state.withLock { $0.lastSeen[taskID] ?? [:] }
    }
}

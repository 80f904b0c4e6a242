import Foundation
import JSON

/// The kind of a task: which runner runs it and what its definition holds. Open for new kinds —
/// each kind's module declares its own constant.
public struct TaskKind: RawRepresentable, Codable, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }

    /// An MQTT feed: topic filter, payload mapping, CRS, datastream binding, expected interval.
    public static let mqttFeed = TaskKind("mqtt-feed")
    /// A crawl of web pages (seeds, scope, extraction rules, schedule).
    public static let crawl = TaskKind("crawl")
    /// Polling a third-party HTTP API on a schedule.
    public static let apiPoll = TaskKind("api-poll")

    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// A task — something that brings data in — as data: what kind it is, its definition, whether it
/// runs, and who owns it and last changed it. Every change is a `TaskEvent` on `tasks` carrying the
/// task as it stands after the change.
public struct PlatformTask: Codable, Sendable, Equatable {
    public enum State: String, Codable, Sendable, CaseIterable {
        /// Runs in every process that runs its kind's stage.
        case active
        /// Kept with its definition, but not running.
        case paused
        /// Gone for good; its history stays.
        case deleted
    }

    /// Letters, digits, `_`, `-` and `.`, 1–64 characters, starting with a letter or digit.
    public var id: String
    public var kind: TaskKind
    /// A human name, e.g. `Wuhan air quality stations`.
    public var name: String?
    /// What the task does, in its kind's terms (an MQTT feed's topic filter and mapping, a crawl's seeds…).
    public var definition: JSONValue
    public var state: State
    /// Who is responsible for it.
    public var owner: String
    /// Who made the change this state comes from.
    public var editor: String

    public init(id: String, kind: TaskKind, name: String? = nil, definition: JSONValue, state: State = .active, owner: String, editor: String) {
        self.id = id
        self.kind = kind
        self.name = name
        self.definition = definition
        self.state = state
        self.owner = owner
        self.editor = editor
    }

    /// Why `id` cannot name a task, or `nil` when it can.
    public static func problem(withID id: String) -> String? {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.")
        guard (1...64).contains(id.count), id.allSatisfy(allowed.contains), let first = id.first, first.isLetter || first.isNumber else {
            return "a task id has 1 to 64 letters, digits, '_', '-' and '.', and starts with a letter or digit: \(id) does not"
        }
        return nil
    }
}

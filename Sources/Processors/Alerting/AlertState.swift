import Foundation

/// What the alerting processor remembers between events, per rule and subject. All of it goes into
/// its checkpoints, so a restarted processor carries on from exactly where it was.
public struct AlertState: Codable, Sendable, Equatable {
    /// Geofence rules: by `<rule>|<subject>`.
    public var fences: [String: FenceMemory] = [:]
    /// Threshold rules: by `<rule>|<subject>`.
    public var thresholds: [String: ThresholdMemory] = [:]
    /// The revision each rule's memory belongs to: a rule redefined starts afresh.
    public var revisions: [String: UUID] = [:]

    public init() {}

    static func key(_ rule: String, _ subject: String) -> String { "\(rule)|\(subject)" }
}

/// A subject against a geofence rule's fences.
public struct FenceMemory: Codable, Sendable, Equatable {
    /// Fence → since when (event time, ms) the subject is inside.
    public var inside: [String: Int64] = [:]
    /// Fence → the open alert (inside and dwell rules), to clear when the subject leaves.
    public var open: [String: UUID] = [:]
    /// The event time of the last position taken: older or equal ones (a position produced twice
    /// upstream after a crash, or out of order) are skipped.
    public var last: Int64 = .min
}

/// A subject against a threshold rule.
public struct ThresholdMemory: Codable, Sendable, Equatable {
    /// Consecutive readings (or windows) matching the condition, while no alert is open.
    public var matching = 0
    /// Consecutive readings (or windows) matching the clear condition, while an alert is open.
    public var clearing = 0
    /// The open alert.
    public var open: UUID?
    /// The event time of the last reading taken (readings rules): older or equal ones are skipped.
    public var last: Int64 = .min
    /// Aggregate windows seen last (by start, ms): whether each matched and cleared, and its version.
    public var windows: [WindowMark] = []

    public struct WindowMark: Codable, Sendable, Equatable {
        public var start: Int64
        public var end: Int64
        public var version: Int
        public var matches: Bool
        public var clears: Bool
        public var eventID: String
    }
}

import Events
import Foundation
import JSON

/// What a threshold rule's condition sees: a reading's or a window's properties by name, its
/// position and its time.
public struct ConditionInput: Sendable {
    public var properties: [String: JSONValue]
    public var longitude: Double?
    public var latitude: Double?
    public var time: Date

    public init(properties: [String: JSONValue], longitude: Double?, latitude: Double?, time: Date) {
        self.properties = properties
        self.longitude = longitude
        self.latitude = latitude
        self.time = time
    }
}

/// A compiled CQL2 condition of a threshold rule.
public protocol AlertCondition: Sendable {
    func matches(_ input: ConditionInput) -> Bool
}

/// Turns a rule's CQL2 text into a condition; throws a message fit for a 400 or a log line.
public typealias AlertConditionCompiler = @Sendable (_ text: String, _ source: AlertRule.Source) throws -> any AlertCondition

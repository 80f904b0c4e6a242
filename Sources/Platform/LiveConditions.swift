import Events
import Processors

/// How threshold rules' CQL2 conditions are evaluated in memory.
public enum LiveConditions {
    /// `nil` until the in-memory CQL2 evaluator is part of the CQL2 module: threshold rules are then
    /// logged as not applied.
    static let compiler: AlertConditionCompiler? = nil

    /// Whether this build evaluates threshold rules.
    public static var isAvailable: Bool { compiler != nil }
}

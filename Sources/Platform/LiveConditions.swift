import Events
import Processors

/// How threshold rules' CQL2 conditions are evaluated in memory: by ``ThresholdCondition``, with the
/// CQL2 module's evaluator.
public enum LiveConditions {
    static let compiler: AlertConditionCompiler = { text, source in try ThresholdCondition(text, source: source) }
}

import Foundation
import Logging

/// The log level of a test process: `SHIKONG_TEST_LOG_LEVEL` (trace … critical), `error` by default,
/// so a passing run prints what the tests say rather than every stage's progress. librdkafka's own
/// lines go through swift-log too (`RdKafkaLog`) and follow the same level.
public enum TestLogging {
    public static let level: Logger.Level =
        ProcessInfo.processInfo.environment["SHIKONG_TEST_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .error

    /// Bootstraps swift-log once per process (later calls do nothing).
    public static func bootstrap() { _ = bootstrapped }

    private static let bootstrapped: Void = {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }()
}

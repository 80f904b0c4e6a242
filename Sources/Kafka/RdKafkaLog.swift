import CRdKafka
import Logging

/// librdkafka's own log lines, through swift-log instead of straight to stderr, so they follow the
/// process's log level and handler (a test run stays quiet). librdkafka retries connections
/// itself and reports what it cannot recover from to us as errors, so its syslog levels are
/// taken one step down: a refused connection while a broker restarts is a warning, not an error.
enum RdKafkaLog {
    /// Installs the callback on a configuration before the client is created.
    static func install(on conf: OpaquePointer) {
        rd_kafka_conf_set_log_cb(conf, forward)
    }

    static func level(syslog: Int32) -> Logger.Level {
        switch syslog {
        case ...2: .error
        case 3: .warning
        case 4: .notice
        case 5: .info
        case 6: .debug
        default: .trace
        }
    }
}

private let librdkafkaLogger = Logger(label: "shikong.librdkafka")

private let forward: @convention(c) (OpaquePointer?, Int32, UnsafePointer<CChar>?, UnsafePointer<CChar>?) -> Void = { client, level, facility, line in
    let logLevel = RdKafkaLog.level(syslog: level)
    guard librdkafkaLogger.logLevel <= logLevel else { return }
    let name = client.flatMap { rd_kafka_name($0) }.map { String(cString: $0) } ?? "?"
    librdkafkaLogger.log(
        level: logLevel, "\(line.map { String(cString: $0) } ?? "")",
        metadata: ["client": "\(name)", "facility": "\(facility.map { String(cString: $0) } ?? "")"])
}

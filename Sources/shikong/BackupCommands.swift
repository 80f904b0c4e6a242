import ArgumentParser
import Events
import Backup
import Foundation
import LocalStack

#if canImport(Glibc)
    import Glibc
#endif

/// Where backups live and which PostgreSQL programs take and restore them.
struct BackupOptions: ParsableArguments {
    @Option(
        help: """
            Backup directory: base backups under base/, archived WAL under wal/. `shikong up` archives WAL into \
            <data-dir>/backups. Env SHIKONG_BACKUP_DIR.
            """)
    var backupDir: String = env("SHIKONG_BACKUP_DIR", ".shikong/backups")

    @Option(help: "Directory with pg_basebackup, postgres and pg_archivecleanup. Env SHIKONG_PG_BIN.")
    var pgBin: String = env("SHIKONG_PG_BIN", "/usr/lib/postgresql/15/bin")

    var store: BackupStore { BackupStore(root: URL(fileURLWithPath: backupDir)) }
    var programs: PostgresPrograms { PostgresPrograms(directory: pgBin) }
}

struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Base backups of the platform's PostgreSQL cluster, point-in-time recovery from them and the archived WAL, and the restore drill.",
        discussion: """
            A base backup (pg_basebackup, compressed tar) plus the WAL the cluster archives after it restore the \
            database to any moment since (`shikong restore --to`). `shikong up` archives WAL into <data-dir>/backups, \
            takes a base backup a minute after its first start and then every --backup-every hours, and keeps \
            --backup-keep of them. After a restore, `shikong up` puts back into the broker, from the event archive, \
            whatever log the restored projections need.
            """,
        subcommands: [TakeBackup.self, ListBackups.self, VerifyBackup.self, PruneBackups.self],
        defaultSubcommand: TakeBackup.self)
}

struct TakeBackup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "take", abstract: "Take a base backup of the cluster now (the user needs the REPLICATION attribute).")
    @OptionGroup var backup: BackupOptions
    @OptionGroup var database: DatabaseOptions
    @Option(help: "Then keep only this many newest base backups (and the WAL they need); 0 keeps all.")
    var keep = 0
    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        let logger = logging.bootstrap("shikong.backup")
        let record = try await BaseBackup(store: backup.store, programs: backup.programs, logger: logger).take(from: try database.configuration())
        print("base backup \(record.id): \(record.bytes) bytes in \(backup.store.root.path)/base/\(record.id)")
        if keep > 0 {
            let deleted = try await BackupRetention(store: backup.store, programs: backup.programs, logger: logger).prune(keep: keep)
            print("deleted \(deleted.count) older base backups")
        }
    }
}

struct ListBackups: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the base backups and the archived WAL.")
    @OptionGroup var backup: BackupOptions

    func run() async throws {
        let store = backup.store
        for record in try store.list() {
            print("\(record.id)  finished \(ISO8601DateFormatter().string(from: record.finishedAt))  \(record.bytes) bytes  from \(record.source)")
        }
        let segments = store.archivedSegments()
        print("\(segments.count) archived WAL segments\(segments.last.map { ", newest \($0)" } ?? "")")
    }
}

struct VerifyBackup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "The restore drill: restore the newest backup and all archived WAL into a scratch cluster and compare it with the live database.",
        discussion: """
            Every table's row count and checksum, and the projections' log positions, are compared. Exit status 0: \
            consistent; 1: a table differs at the same log position (damaged backup or archive); 2: events arrived \
            during the drill, so it could not compare at one log position (run it again when quieter).
            """)
    @OptionGroup var backup: BackupOptions
    @OptionGroup var database: DatabaseOptions
    @Option(help: "Loopback port for the scratch cluster (default: a free one).")
    var port: Int?
    @Flag(help: "Keep the scratch cluster's directory.")
    var keep = false
    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        let logger = logging.bootstrap("shikong.backup")
        let report = try await RestoreDrill(store: backup.store, programs: backup.programs, logger: logger).run(
            live: try database.configuration(), port: port ?? freeLoopbackPort(), keep: keep)
        print(report.text)
        switch report.verdict {
        case .consistent: return
        case .mismatch: throw ExitCode(1)
        case .liveMovedOn: throw ExitCode(2)
        }
    }
}

struct PruneBackups: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune", abstract: "Keep the newest base backups and the WAL they need; delete the rest.")
    @OptionGroup var backup: BackupOptions
    @Option(help: "How many newest base backups to keep.")
    var keep = 7
    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        guard keep >= 1 else { throw ValidationError("--keep must be at least 1") }
        let logger = logging.bootstrap("shikong.backup")
        let deleted = try await BackupRetention(store: backup.store, programs: backup.programs, logger: logger).prune(keep: keep)
        print("deleted \(deleted.count) base backups\(deleted.isEmpty ? "" : ": " + deleted.joined(separator: ", "))")
    }
}

struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore the PostgreSQL cluster to a point in time from a base backup and the archived WAL.",
        discussion: """
            Writes a new cluster into --into (which must be new or empty) from the newest base backup finished \
            before --to, replays the archived WAL up to --to and ends recovery. To bring the local stack back: stop \
            `shikong up`, move <data-dir>/postgres aside, restore with --into <data-dir>/postgres and start `shikong up` \
            again; it re-publishes to the broker, from the event archive, the log the restored projections need. \
            With --serve-port the restored cluster keeps running on that loopback port until Ctrl-C (to look at it).
            """)
    @OptionGroup var backup: BackupOptions
    @Option(help: "Point in time (RFC 3339, e.g. 2026-12-05T08:00:00Z); default: everything archived.")
    var to: String?
    @Option(help: "Directory of the restored cluster.")
    var into: String
    @Option(help: "Port for recovery (default: a free loopback port).")
    var port: Int?
    @Flag(help: "Keep the restored cluster running after recovery, until Ctrl-C.")
    var serve = false
    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        let logger = logging.bootstrap("shikong.restore")
        var target: Date?
        if let to {
            guard let date = Timestamp.parse(to) else {
                throw ValidationError("--to must be an RFC 3339 time such as 2026-12-05T08:00:00Z, not \(to)")
            }
            target = date
        }
        let restore = PointInTimeRestore(store: backup.store, programs: backup.programs, logger: logger)
        let directory = URL(fileURLWithPath: into).standardizedFileURL
        let used = try await restore.prepare(into: directory, to: target)
        let port = port ?? freeLoopbackPort()
        let cluster = try await restore.recover(directory, port: port)
        print("restored \(directory.path) from base backup \(used.id) to \(to ?? "the end of the archive")")
        if serve {
            print("serving on 127.0.0.1:\(port); Ctrl-C stops it")
            signal(SIGINT, SIG_IGN)
            let interrupt = DispatchSource.makeSignalSource(signal: SIGINT)
            await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                interrupt.setEventHandler { done.resume() }
                interrupt.resume()
            }
        }
        cluster.stop(signal: SIGINT, timeout: 60)
    }
}

/// A port the kernel reports free on loopback.
func freeLoopbackPort() -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0 }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}

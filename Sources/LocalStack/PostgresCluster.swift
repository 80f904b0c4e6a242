import Foundation
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// The PostgreSQL cluster under `<data>/postgres`: created with `initdb` on first start (superuser
/// `shikong`, trust authentication, TCP on loopback only), then run in the foreground as a child.
/// When `shikong` runs as root, PostgreSQL runs as the `postgres` user (it refuses to run as root).
public struct PostgresCluster {
    let configuration: StackConfiguration
    let logger: Logger

    func start() async throws -> ChildProcess {
        let directory = configuration.postgresDirectory
        let log = configuration.logDirectory.appendingPathComponent("postgres.log")
        let pidFile = configuration.runDirectory.appendingPathComponent("postgres.pid")
        let initdb = "\(configuration.postgresBin)/initdb"
        guard FileManager.default.isExecutableFile(atPath: initdb) else {
            throw LocalStackError("\(initdb) not found: install postgresql-15 and postgresql-15-postgis-3 (scripts/setup does)")
        }
        let owner = try Self.serviceUser()
        if !FileManager.default.fileExists(atPath: directory.appendingPathComponent("PG_VERSION").path) {
            logger.info("initialising PostgreSQL cluster", metadata: ["directory": "\(directory.path)"])
            try? FileManager.default.removeItem(at: directory)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            if let owner { chown(directory.path, owner.uid, owner.gid) }
            let status = try runToCompletion(
                owner == nil ? initdb : "/usr/bin/setpriv",
                Self.asOwner(
                    owner, initdb,
                    [
                        "-D", directory.path, "-U", configuration.databaseUser, "--auth=trust", "--encoding=UTF8",
                        "--locale=C.UTF-8", "--no-instructions",
                    ]),
                name: "initdb", log: log, pidFile: configuration.runDirectory.appendingPathComponent("initdb.pid"))
            guard status == 0 else { throw LocalStackError("initdb failed (exit \(status)); see \(log.path)") }
        }
        let postgres = "\(configuration.postgresBin)/postgres"
        let arguments =
            [
                "-D", directory.path, "-p", String(configuration.postgresPort), "-c", "listen_addresses=\(configuration.host)",
                "-c", "unix_socket_directories=", "-c", "max_connections=200", "-c", "shared_buffers=1GB",
                // Projections write in large batches into tables with several GiST indexes: fewer forced
                // checkpoints (and their full-page writes) and more memory for index builds and sorts.
                "-c", "max_wal_size=4GB", "-c", "checkpoint_timeout=15min", "-c", "maintenance_work_mem=256MB",
                "-c", "work_mem=16MB", "-c", "synchronous_commit=on", "-c", "log_min_messages=warning",
                // Many short concurrent queries on two cores: parallel workers and JIT compilation cost
                // more than they save (a bbox page over 10M points: 54 → 399 requests/s with both off).
                "-c", "max_parallel_workers_per_gather=0", "-c", "jit=off",
            ] + (try walArchiveSettings(owner: owner))
        let child = try ChildProcess(
            name: "postgres", executable: owner == nil ? postgres : "/usr/bin/setpriv", arguments: Self.asOwner(owner, postgres, arguments),
            log: log, pidFile: pidFile)
        try await waitForPort(configuration.postgresPort, host: configuration.host, child: child, timeout: 120, logFile: log)
        return child
    }

    /// Continuous archiving into `walArchiveDirectory`: a segment is copied once (never over an
    /// existing file, so two clusters cannot overwrite each other's history), compressed with zstd
    /// (a segment closed early by the timeout is mostly zeros; `zstd -1` takes a sixth of the CPU
    /// `gzip -1` took, which was 8–14 % of the machine while an import or a rebuild wrote WAL), and
    /// at least every minute, so a disk failure loses at most a minute. Archives of older versions
    /// hold `.gz` segments: restored and cleaned up alike.
    private func walArchiveSettings(owner: (uid: uid_t, gid: gid_t)?) throws -> [String] {
        guard let archive = configuration.walArchiveDirectory else { return ["-c", "archive_mode=off"] }
        try FileManager.default.createDirectory(at: archive, withIntermediateDirectories: true)
        if let owner { chown(archive.path, owner.uid, owner.gid) }
        let quoted = archive.path.replacingOccurrences(of: "'", with: "'\\''")
        return [
            "-c", "archive_mode=on", "-c", "archive_timeout=60",
            "-c",
            "archive_command=test ! -f '\(quoted)/%f.zst' && test ! -f '\(quoted)/%f.gz' && zstd -1 -q -c %p > '\(quoted)/%f.zst.tmp' && mv '\(quoted)/%f.zst.tmp' '\(quoted)/%f.zst'",
        ]
    }

    /// `setpriv` arguments that run `executable` as the owner, or the plain arguments when not root.
    public static func asOwner(_ owner: (uid: uid_t, gid: gid_t)?, _ executable: String, _ arguments: [String]) -> [String] {
        guard let owner else { return arguments }
        return ["--reuid=\(owner.uid)", "--regid=\(owner.gid)", "--init-groups", "--", executable] + arguments
    }

    /// The `postgres` account when running as root, else `nil` (run as ourselves).
    public static func serviceUser() throws -> (uid: uid_t, gid: gid_t)? {
        guard geteuid() == 0 else { return nil }
        guard let entry = getpwnam("postgres") else {
            throw LocalStackError("running as root, but there is no postgres user to run PostgreSQL as (install postgresql-15)")
        }
        return (entry.pointee.pw_uid, entry.pointee.pw_gid)
    }
}

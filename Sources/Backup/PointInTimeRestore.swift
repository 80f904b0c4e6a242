import Foundation
import LocalStack
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// Restores a cluster from a base backup and the archived WAL after it, to a point in time or to
/// the end of the archive: unpacks the newest base backup that finished by then into a new data
/// directory and configures PostgreSQL's recovery to replay the archive up to that point, then
/// end recovery and accept writes.
public struct PointInTimeRestore: Sendable {
    public let store: BackupStore
    public let programs: PostgresPrograms
    public let logger: Logger

    public init(store: BackupStore, programs: PostgresPrograms = PostgresPrograms(), logger: Logger) {
        self.store = store
        self.programs = programs
        self.logger = logger
    }

    /// Prepares `directory` (which must not exist or be empty) as a cluster that recovers to
    /// `target` (nil: everything archived) on its first start. Returns the base backup it used.
    @discardableResult
    public func prepare(into directory: URL, to target: Date?) async throws -> BaseBackupRecord {
        guard let backup = try store.latest(finishedBy: target) else {
            throw BackupError(
                target == nil
                    ? "no base backup in \(store.root.path): take one with `shikong backup`"
                    : "no base backup in \(store.root.path) finished before \(Self.format(target!)): a restore starts from a backup older than its target"
            )
        }
        let files = FileManager.default
        if files.fileExists(atPath: directory.path), !(try files.contentsOfDirectory(atPath: directory.path)).isEmpty {
            throw BackupError("\(directory.path) is not empty: restore into a new directory (move the old cluster aside first)")
        }
        try files.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let source = store.directory(of: backup)
        let log = directory.deletingLastPathComponent().appendingPathComponent(".\(directory.lastPathComponent)-restore.log")
        try await programs.runTar(extract: Self.archive("base", in: source), into: directory, log: log)
        let wal = directory.appendingPathComponent("pg_wal")
        try files.createDirectory(at: wal, withIntermediateDirectories: true)
        try await programs.runTar(extract: Self.archive("pg_wal", in: source), into: wal, log: log)
        // zstd, or gzip for segments archived before zstd.
        let archived = "\"\(Self.escaped(store.walDirectory.path))/%f"
        var settings = [
            "restore_command = 'if test -f \(archived).zst\"; then zstd -d -q -c \(archived).zst\" > \"%p\"; else test -f \(archived).gz\" && gzip -d -c \(archived).gz\" > \"%p\"; fi'",
            "recovery_target_action = 'promote'",
            // The restored cluster must not archive into the store it restores from.
            "archive_mode = 'off'",
            // Without read-only connections during recovery, PostgreSQL does not require the primary's
            // max_connections and friends, so a backup of a bigger server restores on a smaller one.
            "hot_standby = 'off'",
        ]
        if let target { settings.append("recovery_target_time = '\(Self.postgresTime(target))'") }
        let autoConf = directory.appendingPathComponent("postgresql.auto.conf")
        let existing = (try? String(contentsOf: autoConf, encoding: .utf8)) ?? ""
        try (existing + "\n# shikong restore of base backup \(backup.id)\n" + settings.joined(separator: "\n") + "\n")
            .write(to: autoConf, atomically: true, encoding: .utf8)
        try Data().write(to: directory.appendingPathComponent("recovery.signal"))
        try? files.removeItem(at: log)
        if let owner = try PostgresCluster.serviceUser() { try Self.chownTree(directory, to: owner) }
        chmod(directory.path, 0o700)
        logger.notice(
            "cluster prepared for recovery",
            metadata: ["directory": "\(directory.path)", "base backup": "\(backup.id)", "target": "\(target.map(Self.format) ?? "end of archive")"])
        return backup
    }

    /// Starts the prepared cluster on a loopback port and waits until recovery has ended (the
    /// cluster accepts writes). The caller stops it, or keeps it running.
    public func recover(_ directory: URL, port: Int, host: String = "127.0.0.1", timeout: TimeInterval = 600) async throws -> ChildProcess {
        let postgres = try programs.path("postgres")
        let owner = try PostgresCluster.serviceUser()
        let log = directory.deletingLastPathComponent().appendingPathComponent("\(directory.lastPathComponent)-recovery.log")
        let child = try ChildProcess(
            name: "postgres", executable: owner == nil ? postgres : "/usr/bin/setpriv",
            arguments: PostgresCluster.asOwner(
                owner, postgres,
                ["-D", directory.path, "-p", String(port), "-c", "listen_addresses=\(host)", "-c", "unix_socket_directories="]),
            log: log, pidFile: directory.deletingLastPathComponent().appendingPathComponent("\(directory.lastPathComponent)-recovery.pid"))
        do {
            try await waitForPort(port, host: host, child: child, timeout: timeout, logFile: log)
        } catch {
            child.stop(signal: SIGINT)
            throw BackupError("the restored cluster did not start: \(PostgresPrograms.tail(of: log))")
        }
        // `recovery.signal` disappears when recovery ends and the cluster is promoted.
        let deadline = Date(timeIntervalSinceNow: timeout)
        while FileManager.default.fileExists(atPath: directory.appendingPathComponent("recovery.signal").path) {
            guard child.isRunning else { throw BackupError("recovery failed: \(PostgresPrograms.tail(of: log))") }
            guard Date() < deadline else {
                child.stop(signal: SIGINT)
                throw BackupError("recovery did not end within \(Int(timeout)) s: \(PostgresPrograms.tail(of: log))")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        logger.notice("recovery ended", metadata: ["directory": "\(directory.path)", "port": "\(port)"])
        return child
    }

    static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }

    /// PostgreSQL's own timestamp syntax: `recovery_target_time` takes no ISO 8601 `T`/`Z` form.
    static func postgresTime(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss.SSSSSS"
        return formatter.string(from: date) + "+00"
    }

    /// A base backup's tar file: zstd (`base.tar.zst`; PostgreSQL 15 leaves the streamed WAL,
    /// `pg_wal.tar`, uncompressed then), or gzip in backups taken before 2026-12-06.
    private static func archive(_ name: String, in backup: URL) -> URL {
        let candidates = [".tar.zst", ".tar", ".tar.gz"].map { backup.appendingPathComponent(name + $0) }
        return candidates.first { FileManager.default.fileExists(atPath: $0.path) } ?? candidates[2]
    }

    private static func escaped(_ path: String) -> String {
        path.replacingOccurrences(of: "'", with: "''").replacingOccurrences(of: "\"", with: "\\\"")
    }

    private static func chownTree(_ directory: URL, to owner: (uid: uid_t, gid: gid_t)) throws {
        chown(directory.path, owner.uid, owner.gid)
        guard let walker = FileManager.default.enumerator(atPath: directory.path) else { return }
        while let relative = walker.nextObject() as? String {
            lchown(directory.appendingPathComponent(relative).path, owner.uid, owner.gid)
        }
    }
}

extension PostgresPrograms {
    private static func compression(of archive: URL) -> [String] {
        switch archive.pathExtension {
        case "zst": ["--zstd"]
        case "gz": ["--gzip"]
        default: []
        }
    }

    func runTar(extract archive: URL, into directory: URL, log: URL) async throws {
        let child = try ChildProcess(
            name: "tar", executable: "/usr/bin/tar", arguments: Self.compression(of: archive) + ["-xf", archive.path, "-C", directory.path], log: log,
            pidFile: log.deletingPathExtension().appendingPathExtension("tar.pid"))
        while child.isRunning { try await Task.sleep(for: .milliseconds(50)) }
        guard child.status == 0 else { throw BackupError("unpacking \(archive.path) failed: \(Self.tail(of: log))") }
    }
}

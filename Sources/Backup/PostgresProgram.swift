import Foundation
import LocalStack

/// Runs PostgreSQL's client and server programs (`pg_basebackup`, `postgres`, `pg_archivecleanup`)
/// from one directory, as the `postgres` account when we run as root (PostgreSQL refuses root).
public struct PostgresPrograms: Sendable {
    public var directory: String

    public init(directory: String = "/usr/lib/postgresql/15/bin") {
        self.directory = directory
    }

    func path(_ program: String) throws -> String {
        let path = "\(directory)/\(program)"
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw BackupError("\(path) not found: install postgresql-15 (scripts/setup does) or pass --pg-bin")
        }
        return path
    }

    /// Runs a program to completion without holding a thread, and fails with its log's tail when it
    /// exits non-zero.
    func run(
        _ program: String, _ arguments: [String], log: URL, asServiceUser: Bool = false, environment: [String: String]? = nil
    ) async throws {
        let executable = try path(program)
        let owner = asServiceUser ? try PostgresCluster.serviceUser() : nil
        let child = try ChildProcess(
            name: program, executable: owner == nil ? executable : "/usr/bin/setpriv",
            arguments: PostgresCluster.asOwner(owner, executable, arguments), log: log,
            pidFile: log.deletingPathExtension().appendingPathExtension("pid"), environment: environment)
        while child.isRunning { try await Task.sleep(for: .milliseconds(50)) }
        let status = child.status ?? -1
        guard (status & 0x7f) == 0, (status >> 8) & 0xff == 0 else {
            throw BackupError("\(program) failed (wait status \(status)): \(Self.tail(of: log))")
        }
    }

    static func tail(of log: URL) -> String {
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(5).joined(separator: " | ")
    }
}

public struct BackupError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

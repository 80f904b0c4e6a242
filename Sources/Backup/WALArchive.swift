import Database
import Foundation
import Logging
import PostgresNIO

/// The live cluster's side of continuous archiving.
public enum WALArchive {
    /// Closes the current WAL segment and waits until the archiver has copied it, so that a restore
    /// begun now reaches everything committed before the call.
    public static func flush(_ database: DatabaseConfiguration, logger: Logger, timeout: Duration = .seconds(120)) async throws {
        try await DatabaseSession.withConnection(database, logger: logger) { connection in
            let mode = try await connection.query("SELECT current_setting('archive_mode')", logger: logger).collect().first?.decode(String.self)
            guard mode == "on" || mode == "always" else {
                throw BackupError(
                    "the cluster does not archive WAL (archive_mode = \(mode ?? "?")): `shikong up` archives into its backup directory; elsewhere set archive_mode and archive_command"
                )
            }
            let rows = try await connection.query("SELECT pg_walfile_name(pg_switch_wal())", logger: logger).collect()
            guard let segment = try rows.first?.decode(String.self) else { return }
            let clock = ContinuousClock()
            let deadline = clock.now.advanced(by: timeout)
            while clock.now < deadline {
                let archived = try await connection.query(
                    "SELECT coalesce(last_archived_wal, ''), coalesce(last_failed_wal, '') FROM pg_stat_archiver", logger: logger
                ).collect().first?.decode((String, String).self)
                if let archived, archived.0 >= segment { return }
                try await Task.sleep(for: .milliseconds(200))
            }
            throw BackupError("WAL segment \(segment) was not archived within \(timeout): is archive_command failing? (see the PostgreSQL log)")
        }
    }
}

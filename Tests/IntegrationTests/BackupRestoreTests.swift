import Backup
import Database
import Events
import Foundation
import LocalStack
import Logging
import PostgresNIO
import ShikongTesting
import Testing

/// Backups against a real PostgreSQL cluster that archives its WAL: a point-in-time restore gives
/// exactly what an `as_of` query said, the restore drill finds the restored database equal to the
/// live one, and retention keeps what a restore still needs.
@Suite("Backup and point-in-time restore", .serialized)
struct BackupRestoreTests {
    static func landmarks(_ floors: [String: Int]) -> String {
        let features = floors.sorted { $0.key < $1.key }.enumerated().map { index, entry in
            """
            {"type":"Feature","properties":{"code":"\(entry.key)","floors":\(entry.value)},"geometry":{"type":"Point","coordinates":[\(114.30 + Double(index) / 100),30.55]}}
            """
        }
        return #"{"type":"FeatureCollection","features":["# + features.joined(separator: ",") + "]}"
    }

    @Test("a restore to T equals as_of=T; the drill restores the newest backup and finds every table equal; retention keeps what restores need")
    func pointInTimeRestoreAndDrill() async throws {
        let root = TestPlatform.scratchRoot.appendingPathComponent("backup-\(UUID().uuidString.prefix(8))")
        let store = BackupStore(root: root.appendingPathComponent("backups"))
        let platform = try await TestPlatform.start(dataDirectory: root.appendingPathComponent("platform"), walArchive: store.walDirectory)
        let logger = Logger(label: "test.backup")
        do {
            let collection = "backup_landmarks"
            let file = root.appendingPathComponent("landmarks.geojson")
            func importEdition(_ floors: [String: Int]) async throws {
                try Self.landmarks(floors).write(to: file, atomically: true, encoding: .utf8)
                let imported = try await runCLI(["import", file.path, "--collection", collection, "--id-field", "code"], platform: platform)
                #expect(imported.status == 0, "\(imported.output)")
                let expected = floors.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: ",")
                _ = try await platform.waitForCount(
                    """
                    SELECT count(*)::int FROM (SELECT string_agg(entity_id || '=' || (properties->>'floors'), ',' ORDER BY entity_id) AS state
                    FROM entity_current WHERE collection = \(collection)) s WHERE state = \(expected)
                    """
                ) { $0 == 1 }
            }

            try await importEdition(["A": 1, "B": 2, "C": 3])
            let base = try await BaseBackup(store: store, programs: PostgresPrograms(), logger: logger).take(from: platform.configuration.database)
            #expect(base.bytes > 0)
            try await importEdition(["A": 10, "B": 2, "D": 4])
            try await Task.sleep(for: .milliseconds(1_100))
            let target = Date()
            try await Task.sleep(for: .milliseconds(1_100))
            let asOf = try await platform.get("/collections/\(collection)/items?as_of=\(Timestamp.format(target))&limit=100").json
            let expected = Self.floorsByID(asOf)
            #expect(expected == ["A": 10, "B": 2, "D": 4])
            try await importEdition(["A": 100, "E": 5])
            try await WALArchive.flush(platform.configuration.database, logger: logger)
            // Segments are archived with zstd; an archive an older version wrote holds gzip: every
            // other segment is turned into one, and restores must read both.
            let archived = store.archivedSegments()
            #expect(archived.count >= 2)
            for segment in archived.enumerated().filter({ $0.offset % 2 == 1 }).map(\.element) {
                let path = store.walDirectory.appendingPathComponent(segment).path
                #expect(FileManager.default.fileExists(atPath: path + ".zst"), "\(segment) was not archived with zstd")
                let converted = try await runToolDetached(
                    "/bin/sh", ["-c", "zstd -d -q -c '\(path).zst' | gzip -1 > '\(path).gz' && rm '\(path).zst'"])
                #expect(converted.status == 0, "\(converted.output)")
            }
            #expect(store.archivedSegments() == archived)
            // Likewise the first base backup becomes one as older versions took them (gzip tar files).
            let first = store.baseDirectory.appendingPathComponent(base.id).path
            #expect(FileManager.default.fileExists(atPath: first + "/base.tar.zst"))
            let regzipped = try await runToolDetached(
                "/bin/sh", ["-c", "cd '\(first)' && zstd -d -q --rm base.tar.zst && gzip -1 base.tar pg_wal.tar && ls"])
            #expect(regzipped.status == 0 && regzipped.output.contains("base.tar.gz"), "\(regzipped.output)")

            // Point-in-time restore into a new cluster, to the moment of the as_of query.
            let restoredDirectory = root.appendingPathComponent("restored")
            let restore = PointInTimeRestore(store: store, logger: logger)
            let used = try await restore.prepare(into: restoredDirectory, to: target)
            #expect(used.id == base.id)
            let port = freePort()
            let cluster = try await restore.recover(restoredDirectory, port: port)
            var restoredDatabase = platform.configuration.database
            restoredDatabase.port = port
            let restored = try await Self.currentFloors(restoredDatabase, collection: collection, logger: logger)
            cluster.stop(signal: SIGINT, timeout: 30)
            #expect(restored == expected, "the restored cluster holds what as_of=T said")

            // The drill, on a quiet platform: the newest backup plus all archived WAL equals the live database.
            let report = try await RestoreDrill(store: store, logger: logger).run(live: platform.configuration.database, port: freePort())
            #expect(report.verdict == .consistent, "\(report.text)")
            #expect(report.restored.tables.contains { $0.name == "entity_versions" && $0.rows >= 8 }, "\(report.text)")
            #expect(report.samePosition)

            // Retention: a second backup, keep one; the first and the WAL only it needed go.
            let second = try await BaseBackup(store: store, logger: logger).take(from: platform.configuration.database)
            try await WALArchive.flush(platform.configuration.database, logger: logger)
            let deleted = try await BackupRetention(store: store, logger: logger).prune(keep: 1)
            #expect(deleted == [base.id])
            #expect(try store.list().map(\.id) == [second.id])
            let segments = store.archivedSegments()
            #expect(!segments.isEmpty)
            #expect(segments.allSatisfy { $0 >= second.startWALSegment }, "\(segments.sorted()) vs \(second.startWALSegment)")
        } catch {
            await platform.stop()
            throw error
        }
        await platform.stop()
        try? FileManager.default.removeItem(at: root)
    }

    @Test("the drill's verdict: a changed table at the same position is a mismatch; one whose projection moved is not")
    func drillVerdict() throws {
        typealias Position = DatabaseSnapshot.Position
        let record = BaseBackupRecord(
            id: "x", startedAt: Date(), finishedAt: Date(), source: "", startWALSegment: "000000010000000000000001", bytes: 1)
        let archive = Position(projection: "archive", topic: "raw", partition: 0, nextOffset: 10)
        let entities = Position(projection: "entities", topic: "spatial.entities", partition: 0, nextOffset: 5)
        let table = DatabaseSnapshot.Table(name: "entity_current", rows: 2, checksum: "a")
        let restored = DatabaseSnapshot(positions: [archive, entities], tables: [table])
        func report(_ positions: [Position], _ tables: [DatabaseSnapshot.Table]) -> RestoreDrillReport {
            RestoreDrillReport(
                backup: record, restored: restored, live: DatabaseSnapshot(positions: positions, tables: tables), seconds: 1, scratch: nil)
        }
        var archiveLater = archive
        archiveLater.nextOffset = 12
        var entitiesLater = entities
        entitiesLater.nextOffset = 6
        var changed = table
        changed.checksum = "b"
        #expect(report([archiveLater, entities], [table]).verdict == .consistent)
        #expect(report([archive, entities], [changed]).verdict == .mismatch)
        #expect(report([archive, entitiesLater], [changed]).verdict == .liveMovedOn)
        #expect(report([archive], [table]).verdict == .mismatch, "a partition only the restored cluster has")
        #expect(report([archive, entities], [changed]).text.contains("entity_current: 2 rows, checksum a DIFFERS (live 2 rows)"))
    }

    static func floorsByID(_ collection: [String: Any]) -> [String: Int] {
        var result: [String: Int] = [:]
        for feature in collection["features"] as? [[String: Any]] ?? [] {
            guard let id = feature["id"] as? String, let floors = (feature["properties"] as? [String: Any])?["floors"] as? Int else { continue }
            result[id] = floors
        }
        return result
    }

    static func currentFloors(_ database: DatabaseConfiguration, collection: String, logger: Logger) async throws -> [String: Int] {
        try await DatabaseSession.withConnection(database, logger: logger) { connection in
            var result: [String: Int] = [:]
            let rows = try await connection.query(
                "SELECT entity_id, (properties->>'floors')::int FROM entity_current WHERE collection = \(collection)", logger: logger)
            for try await (id, floors) in rows.decode((String, Int).self) { result[id] = floors }
            return result
        }
    }
}

import Database
import Foundation
import Gazetteer
import Logging
import PostgresNIO
import ServiceLifecycle

/// Copies the gazetteer's province, city and county boundaries into `basemap_boundaries`, where
/// the basemap tiles are drawn from, whenever the process's gazetteer snapshot holds other
/// boundaries than the table (compared by a fingerprint). It is a derived copy of the snapshot for
/// drawing, not a projection of events; several API processes may start at once (an advisory
/// lock lets one write). Boundary edits applied later through `gazetteer.changes` show after the
/// next start.
public struct BasemapLoader: Service {
    let client: PostgresClient
    let engine: GazetteerEngine?
    let logger: Logger

    public init(client: PostgresClient, engine: GazetteerEngine?, logger: Logger) {
        self.client = client
        self.engine = engine
        self.logger = logger
    }

    public func run() async throws {
        if let engine {
            do {
                try await load(engine.current)
            } catch {
                logger.error("basemap not loaded", metadata: ["error": "\(String(reflecting: error))"])
            }
        }
        try? await gracefulShutdown()
    }

    struct Row {
        var code: String
        var level: Int
        var name: String
        var parent: String?
        var geometry: String
    }

    func load(_ gazetteer: Gazetteer) async throws {
        var found: [Row] = []
        for (code, boundary) in gazetteer.boundaries {
            guard let division = gazetteer.division(code: code), division.level.rawValue <= AdminLevel.county.rawValue,
                !boundary.polygons.isEmpty
            else { continue }
            let geometry = String(decoding: try JSONEncoder().encode(boundary), as: UTF8.self)
            found.append(Row(code: code, level: division.level.rawValue, name: division.currentName, parent: division.parentCode, geometry: geometry))
        }
        let rows = found.sorted { $0.code < $1.code }
        let fingerprint = Self.fingerprint(rows)
        let stored = try await client.query("SELECT fingerprint FROM basemap_source", logger: logger).decode(String.self).reduce(into: [String]()) {
            $0.append($1)
        }
        if stored.first == fingerprint { return }
        let started = ContinuousClock.now
        try await client.transaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(4490, hashtext('basemap'))", logger: logger)
            let current = try await connection.query("SELECT fingerprint FROM basemap_source", logger: logger).decode(String.self)
            for try await value in current where value == fingerprint { return }
            try await connection.query("DELETE FROM basemap_boundaries", logger: logger)
            var index = 0
            while index < rows.count {
                let batch = rows[index..<min(index + 64, rows.count)]
                index += batch.count
                try await connection.query(
                    """
                    INSERT INTO basemap_boundaries (code, level, name, parent, geom)
                    SELECT code, level, name, parent, CASE WHEN ST_IsValid(g) THEN g ELSE ST_MakeValid(g) END
                    FROM (SELECT code, level, name, parent, ST_SetSRID(ST_GeomFromGeoJSON(geometry), 4490) AS g
                          FROM unnest(\(batch.map(\.code))::text[], \(batch.map(\.level))::int[], \(batch.map(\.name))::text[],
                                      \(batch.map { $0.parent ?? "" })::text[], \(batch.map(\.geometry))::text[])
                               AS t(code, level, name, parent, geometry)) AS s
                    """, logger: logger)
            }
            try await connection.query(
                """
                UPDATE basemap_boundaries SET parent = NULLIF(parent, ''), coarse = ST_SimplifyPreserveTopology(geom, 0.01),
                    medium = ST_SimplifyPreserveTopology(geom, 0.001), label = ST_PointOnSurface(geom)
                """, logger: logger)
            try await connection.query(
                """
                INSERT INTO basemap_source (fingerprint, loaded_at) VALUES (\(fingerprint), now())
                ON CONFLICT (singleton) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, loaded_at = EXCLUDED.loaded_at
                """, logger: logger)
            try await connection.query(#"SELECT pg_notify('shikong_tile_changes', '{"kind":"basemap"}')"#, logger: logger)
        }
        logger.notice(
            "basemap loaded from the gazetteer", metadata: ["boundaries": "\(rows.count)", "took": "\(ContinuousClock.now - started)"])
    }

    /// FNV-1a over every row, stable across processes.
    static func fingerprint(_ rows: [Row]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for row in rows {
            for part in ["\(row.code)|\(row.level)|\(row.name)|\(row.parent ?? "")|", row.geometry] {
                for byte in part.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            }
        }
        return String(hash, radix: 16) + "-\(rows.count)"
    }
}

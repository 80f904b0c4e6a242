import Events
import Foundation
import JSON
import Kafka
import Logging
import PostgresNIO
import ShikongTesting
import Testing

@testable import Projections

@Suite("Entity fold")
struct EntityFoldTests {
    /// Random histories: new entities, updates, content-equal upserts, back-dated changes (valid time
    /// before the entity's), retirements and revivals, the same event delivered twice, and records
    /// the projection cannot use.
    static func history(entities: Int, changes: Int, seed: UInt64) -> [KafkaMessage] {
        var state = seed
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        let start = 1_795_000_000_000 as Int64
        var messages: [KafkaMessage] = []
        var sent: [EntityEvent] = []
        for index in 0..<changes {
            let offset = Int64(messages.count)
            if !sent.isEmpty, next(20) == 0 {
                // A redelivery of an event already sent.
                let again = sent[next(sent.count)]
                let record = try! again.record(topic: "t")
                messages.append(
                    KafkaMessage(
                        topic: "t", partition: 0, offset: offset, key: record.key, value: record.value, headers: record.headers,
                        timestampMilliseconds: nil))
                continue
            }
            if next(50) == 0 {
                messages.append(
                    KafkaMessage(
                        topic: "t", partition: 0, offset: offset, key: nil, value: Data("{not json".utf8),
                        headers: [KafkaHeader(key: "ce_type", string: EntityEvent.upserted)], timestampMilliseconds: nil))
                continue
            }
            let entity = "e\(next(entities))"
            let retire = next(8) == 0
            // Mostly forward in valid time; one change in five is back-dated.
            let valid = start + Int64(index) * 60_000 - (next(5) == 0 ? Int64(next(200)) * 60_000 : 0)
            let content = next(3)
            let event = EntityEvent(
                id: UUID(), type: retire ? EntityEvent.retired : EntityEvent.upserted, source: "fold-test",
                // System time mostly increases; now and then two changes share a millisecond.
                recordedAt: Date(timeIntervalSince1970: Double(start + Int64(index / 2) * 1_000) / 1_000),
                space: EntitySpace(
                    geometry: retire
                        ? nil
                        : .object([("type", .string("Point")), ("coordinates", .array([.number(114 + Double(content) / 100), .number(30.5)]))])),
                attributes: AttributeLabels(domain: "city", theme: "test"),
                data: EntityData(
                    collection: "fold", entityID: entity, validFrom: Date(timeIntervalSince1970: Double(valid) / 1_000),
                    properties: .object([("content", .number(Double(content)))]), contentHash: content == 2 ? nil : "h\(content)"))
            sent.append(event)
            let record = try! event.record(topic: "t")
            messages.append(
                KafkaMessage(
                    topic: "t", partition: 0, offset: offset, key: record.key, value: record.value, headers: record.headers,
                    timestampMilliseconds: nil))
        }
        return messages
    }

    @Test("folding a replay in memory writes exactly the rows the projection's SQL writes, batch by batch")
    func sameRows() async throws {
        let platform = try await TestPlatform.shared()
        try await platform.withDatabase { client in
            let logger = Logger(label: "shikong.test.fold")
            let projection = EntityProjection()
            for (seed, entities, changes, batch) in [(1 as UInt64, 40, 1_500, 100), (2, 5, 400, 7), (3, 300, 2_000, 500)] {
                let messages = Self.history(entities: entities, changes: changes, seed: seed)
                let bySQL = ProjectionTables(suffix: "__sql_\(seed)")
                let byFold = ProjectionTables(suffix: "__fold_\(seed)")
                for tables in [bySQL, byFold] {
                    for table in projection.tables {
                        try await client.query(PostgresQuery(unsafeSQL: "DROP TABLE IF EXISTS \(tables[table])"), logger: logger)
                        try await client.query(
                            PostgresQuery(unsafeSQL: "CREATE TABLE \(tables[table]) (LIKE \(ProjectionTables.live[table]) INCLUDING ALL)"),
                            logger: logger)
                    }
                }
                var failures = 0
                for start in stride(from: 0, to: messages.count, by: batch) {
                    let (rows, failed) = projection.prepare(Array(messages[start..<min(start + batch, messages.count)]))
                    failures += failed.count
                    try await client.withConnection { try await projection.write(rows, on: $0, tables: bySQL, logger: logger) }
                }
                var fold = try #require(projection.makeFold())
                var folded = 0
                for start in stride(from: 0, to: messages.count, by: 300) {
                    folded += await fold.apply(Array(messages[start..<min(start + 300, messages.count)])).count
                    try await fold.writeSettled(client: client, tables: byFold, logger: logger)
                }
                try await fold.writeRest(client: client, tables: byFold, logger: logger)
                #expect(folded == failures && failures > 0)
                for (table, order) in [("entity_versions", "entity_id, version"), ("entity_current", "entity_id")] {
                    func digest(_ tables: ProjectionTables) async throws -> (Int, String) {
                        let rows = try await client.query(
                            PostgresQuery(
                                unsafeSQL: """
                                    SELECT count(*)::int, coalesce(md5(string_agg(t::text, '|' ORDER BY \(order))), '')
                                    FROM (SELECT * FROM \(tables[table]) ORDER BY \(order)) t
                                    """), logger: logger)
                        for try await row in rows.decode((Int, String).self) { return row }
                        return (0, "")
                    }
                    let (sqlCount, sqlDigest) = try await digest(bySQL)
                    let (foldCount, foldDigest) = try await digest(byFold)
                    #expect(sqlCount > 0 && foldCount == sqlCount, "\(table), seed \(seed): \(foldCount) rows folded, \(sqlCount) by SQL")
                    #expect(foldDigest == sqlDigest, "\(table), seed \(seed): the rows differ")
                }
                let history = try await client.query(
                    PostgresQuery(unsafeSQL: "SELECT count(*)::int FROM \(bySQL["entity_versions"]) WHERE NOT upper_inf(system)"), logger: logger)
                for try await closed in history.decode(Int.self) { #expect(closed > 0, "the history has superseded versions") }
                for tables in [bySQL, byFold] {
                    for table in projection.tables {
                        try await client.query(PostgresQuery(unsafeSQL: "DROP TABLE \(tables[table])"), logger: logger)
                    }
                }
            }
        }
    }

    @Test("shikong replay --projection entities folds the archive and swaps in the same history, as-of answers unchanged")
    func rebuild() async throws {
        let platform = try await TestPlatform.start()
        defer { Task { await platform.discard() } }
        let name = "fold_\(UUID().uuidString.prefix(6).lowercased())"
        func edition(_ range: Range<Int>, shift: Double, options: [String] = []) async throws {
            let features = range.map { VectorTileTests.point("f\($0)", 114.2 + Double($0) / 1_000 + shift, 30.5, name: "n\($0 % 7)") }
            let directory = platform.dataDirectory.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let file = directory.appendingPathComponent("\(name).geojson")
            try #"{"type":"FeatureCollection","features":[\#(features.joined(separator: ","))]}"#.write(to: file, atomically: true, encoding: .utf8)
            let imported = try await runCLI(["import", file.path, "--collection", name, "--id-field", "code"] + options, platform: platform)
            #expect(imported.status == 0, "\(imported.output)")
        }
        let versions: PostgresQuery = "SELECT count(*)::int FROM entity_versions WHERE collection = \(name)"
        try await edition(0..<300, shift: 0)
        #expect(try await platform.waitForCount("SELECT count(*)::int FROM entity_current WHERE collection = \(name)") { $0 == 300 } == 300)
        let firstEdition = Date()
        try await Task.sleep(for: .milliseconds(1_100))
        // A second edition moves half, drops 50 (retired) and adds 50; a third, back-dated, rewrites history.
        try await edition(0..<150, shift: 0.0005)
        try await edition(150..<250, shift: 0)
        try await edition(300..<350, shift: 0, options: ["--source", "second"])
        try await edition(100..<200, shift: 0.001, options: ["--source", "third", "--valid-from", "2020-01-01T00:00:00Z"])
        // Settled when the number of versions stays the same for three seconds.
        var last = -1
        var steady = 0
        let deadline = ContinuousClock.now + .seconds(120)
        while steady < 3, ContinuousClock.now < deadline {
            let now = try await platform.count(versions)
            steady = now == last ? steady + 1 : 0
            last = now
            try await Task.sleep(for: .seconds(1))
        }
        #expect(steady == 3 && last > 300)
        func snapshot() async throws -> [String] {
            try await platform.withDatabase { client in
                var sums: [String] = []
                for query: PostgresQuery in [
                    "SELECT count(*)::text || md5(string_agg(t::text, '|' ORDER BY entity_id, version)) FROM (SELECT * FROM entity_versions WHERE collection = \(name)) t",
                    "SELECT count(*)::text || md5(string_agg(t::text, '|' ORDER BY entity_id)) FROM (SELECT * FROM entity_current WHERE collection = \(name)) t",
                ] {
                    for try await sum in try await client.query(query, logger: .init(label: "test")).decode(String.self) { sums.append(sum) }
                }
                return sums
            }
        }
        let before = try await snapshot()
        let asOf = try await platform.get("/collections/\(name)/items?as_of=\(Timestamp.format(firstEdition))&limit=1000").json
        let replay = try await runCLI(["replay", "--projection", "entities"], platform: platform)
        #expect(replay.status == 0 && replay.output.contains("swapped in: entity_versions, entity_current"), "\(replay.output)")
        #expect(try await snapshot() == before)
        let asOfAfter = try await platform.get("/collections/\(name)/items?as_of=\(Timestamp.format(firstEdition))&limit=1000").json
        #expect((asOfAfter["numberReturned"] as? Int) == 300 && (asOf["numberReturned"] as? Int) == 300)
        #expect(try await platform.count("SELECT count(*)::int FROM entity_versions WHERE collection = \(name) AND NOT upper_inf(system)") > 0)
        #expect(
            try await platform.count("SELECT count(*)::int FROM pg_indexes WHERE tablename = 'entity_versions'") >= 12, "every index was made again")
    }
}
